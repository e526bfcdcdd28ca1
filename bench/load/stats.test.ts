import { describe, expect, it } from 'vitest';
import { builtinDistrict } from '../../geo/district';
import { createGridIndex } from '../../geo/grid-index';
import { planScreens, probeSites, roundRobin, subscriptionKey } from './plan';
import {
  cpuPercent,
  cpuTicksOf,
  deltaVsSnapshotPct,
  isDeltaPacket,
  mergeSubscriptionBytes,
  metricSum,
  packetBytes,
  percentile,
  probeLatencies,
  rssMbOf,
} from './stats';

describe('percentile (nearest rank)', () => {
  it('picks the value at rank ceil(p/100 · n)', () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('/proc parsing', () => {
  it('reads utime + stime after a command name with spaces and parentheses', () => {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 11 0';
    expect(cpuTicksOf(stat)).toBe(1234 + 567);
  });

  it('refuses a stat line it cannot read', () => {
    expect(() => cpuTicksOf('garbage')).toThrow(/utime\/stime/);
  });

  it('reads VmRSS in MiB', () => {
    expect(rssMbOf('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t  204800 kB\nThreads: 11\n')).toBe(200);
    expect(() => rssMbOf('Name:\tnode\n')).toThrow(/VmRSS/);
  });

  it('turns tick readings into % of one core', () => {
    expect(cpuPercent(1000, 1750, 100, 30)).toBe(25);
  });
});

describe('byte accounting', () => {
  it('counts UTF-8 bytes plus the Engine.IO type character', () => {
    expect(packetBytes('2["a"]')).toBe(7);
    // 街 is three bytes in UTF-8.
    expect(packetBytes('街')).toBe(4);
    expect(packetBytes(new Uint8Array(10))).toBe(11);
  });

  it('recognises delta frames by their encoded event name only', () => {
    expect(isDeltaPacket('2["scope:changed",{"scope":"*"}]')).toBe(true);
    expect(isDeltaPacket('2["status:changed",{}]')).toBe(false);
    expect(isDeltaPacket('31[{"ok":true}]')).toBe(false);
    expect(isDeltaPacket(undefined)).toBe(false);
  });

  it('compares delta bytes with a snapshot per client per tick', () => {
    const snapshots = new Map([
      ['*|areas', 1000],
      ['1|devices', 10_000],
    ]);
    const subs = [
      { key: '*|areas', clients: 2, deltaBytes: 2 * 10 * 500 },
      { key: '1|devices', clients: 1, deltaBytes: 10 * 100 },
      // No snapshot measured: left out of both sides.
      { key: '2|devices', clients: 5, deltaBytes: 1e9 },
    ];
    // (10,000 + 1,000) / (1,000·2·10 + 10,000·1·10) = 11,000 / 120,000
    expect(deltaVsSnapshotPct(subs, snapshots, 10)).toBeCloseTo((11_000 / 120_000) * 100, 10);
    expect(deltaVsSnapshotPct([], snapshots, 10)).toBeNaN();
  });

  it('merges tallies of the same subscription from several processes', () => {
    const merged = mergeSubscriptionBytes([
      [{ key: 'a', clients: 1, deltaBytes: 10 }],
      [
        { key: 'a', clients: 2, deltaBytes: 5 },
        { key: 'b', clients: 1, deltaBytes: 1 },
      ],
    ]);
    expect(merged).toEqual([
      { key: 'a', clients: 3, deltaBytes: 15 },
      { key: 'b', clients: 1, deltaBytes: 1 },
    ]);
  });
});

describe('probe latencies', () => {
  it('is receive time minus the time the carrying POST was answered, for probes answered in the window', () => {
    const acceptedAt = new Map([
      [100, 1_000],
      [101, 1_500],
      [102, 9_000],
    ]);
    const receptions = [100, 1_120, 100, 1_300, 101, 1_490, 102, 9_100, 999, 5_000];
    expect(probeLatencies(receptions, acceptedAt, { start: 900, end: 2_000 })).toEqual([120, 300, -10]);
  });
});

describe('metricSum', () => {
  it('adds a metric over its label sets and ignores look-alike names', () => {
    const text = [
      '# HELP gridpulse_events_accepted_total x',
      'gridpulse_events_accepted_total{feed="device"} 10',
      'gridpulse_events_accepted_total{feed="case"} 2.5',
      'gridpulse_events_accepted_total_created 99',
      'gridpulse_process_nodejs_heap_size_used_bytes 1048576',
    ].join('\n');
    expect(metricSum(text, 'gridpulse_events_accepted_total')).toBe(12.5);
    expect(metricSum(text, 'gridpulse_process_nodejs_heap_size_used_bytes')).toBe(1048576);
    expect(metricSum(text, 'absent')).toBe(0);
  });
});

describe('screen plan', () => {
  const district = builtinDistrict();

  it('has ~10 % walls, ~60 % community tablets and the rest grid screens', () => {
    const screens = planScreens(500, district);
    const count = (kind: string) => screens.filter((s) => s.kind === kind).length;
    expect(screens).toHaveLength(500);
    expect([count('wall'), count('tablet'), count('grid')]).toEqual([50, 300, 150]);
    expect(screens.filter((s) => s.kind === 'wall').every((s) => s.scope === '*')).toBe(true);
    const communities = new Set(district.areas.filter((a) => a.level === 'community').map((a) => a.code));
    expect(screens.filter((s) => s.kind === 'tablet').every((s) => communities.has(s.scope))).toBe(true);
    expect(new Set(screens.filter((s) => s.kind === 'tablet').map((s) => s.scope)).size).toBe(communities.size);
  });

  it('keys subscriptions as the server groups them (layer order does not matter)', () => {
    expect(subscriptionKey({ scope: '1', layers: ['series', 'areas'] })).toBe(
      subscriptionKey({ scope: '1', layers: ['areas', 'series'] }),
    );
  });

  it('spreads items round-robin', () => {
    expect(roundRobin([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
  });

  it('puts one probe device in every grid, with both of its positions inside that grid', () => {
    const index = createGridIndex(district);
    const sites = probeSites(district, index);
    expect(sites).toHaveLength(district.areas.filter((a) => a.level === 'grid').length);
    for (const s of sites) {
      expect(s.positions[0]).not.toEqual(s.positions[1]);
      for (const [lon, lat] of s.positions) expect(index.gridAt(lon, lat)).toBe(s.grid);
    }
  });
});
