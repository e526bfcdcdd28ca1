import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { IngestEvent } from '../../protocol';
import { Aggregator } from './aggregator';

const CODES = ['330106007', '330106007001', '330106007001001', '330106007001002', '330106007002', '330106007002001'];
const GRIDS = CODES.filter((c) => c.length === 15);
const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);

function events(from: number, n: number, seed: number): { e: IngestEvent; grid: string }[] {
  const out: { e: IngestEvent; grid: string }[] = [];
  for (let i = 0; i < n; i++) {
    const time = from + i * 7_000;
    const grid = GRIDS[(i * 7 + seed) % GRIDS.length]!;
    const k = (i + seed) % 4;
    const id = `s${seed}-${i}`;
    const e: IngestEvent =
      k === 0
        ? { v: 1, kind: 'device.telemetry', id, source: 't', time, deviceId: `d${i % 9}`, deviceType: 'bin', metrics: { fill: (i % 10) / 10 } }
        : k === 1
          ? { v: 1, kind: 'case.updated', id, source: 't', time, caseId: `c${i % 5}`, status: i % 3 ? 'reported' : 'resolved', category: 'BJ0112', channel: 'hotline', urgency: 'urgent' }
          : k === 2
            ? { v: 1, kind: 'opinion.post', id, source: 't', time, channel: 'forum', text: 'x', sentiment: -0.5 }
            : { v: 1, kind: 'device.heartbeat', id, source: 't', time, deviceId: `w${i % 4}`, deviceType: 'water' };
    out.push({ e, grid });
  }
  return out;
}

function feed(agg: Aggregator, list: { e: IngestEvent; grid: string }[]) {
  for (const { e, grid } of list) {
    agg.advance(e.time);
    agg.apply(e, grid, e.kind === 'opinion.post' ? { sentiment: -0.5, keywords: ['电梯', `词${e.id.length}`] } : undefined);
  }
}

function view(agg: Aggregator) {
  return ['*', ...CODES].map((c) => [agg.stats(c), agg.insights(c), agg.series(c), agg.cases.views(c), agg.deviceViews(c)]);
}

describe('aggregate snapshot', () => {
  it('restores an identical engine that keeps evolving identically', () => {
    const live = new Aggregator({ areaCodes: CODES });
    feed(live, events(T0, 900, 1)); // ~1.75 h of events: every window has history
    const snap = deserialize(serialize(live.exportState())) as ReturnType<Aggregator['exportState']>;
    const restored = new Aggregator({ areaCodes: CODES });
    restored.importState(snap);
    expect(view(restored)).toEqual(view(live));
    const more = events(T0 + 900 * 7_000, 600, 2);
    feed(live, more);
    feed(restored, more);
    live.advance(T0 + 3 * 86_400_000);
    restored.advance(T0 + 3 * 86_400_000);
    expect(view(restored)).toEqual(view(live));
  });

  it('refuses a snapshot of another district', () => {
    const a = new Aggregator({ areaCodes: CODES });
    const b = new Aggregator({ areaCodes: CODES.slice(0, 4) });
    expect(() => b.importState(a.exportState())).toThrow(/another district/);
  });
});

describe('aggregate snapshot format', () => {
  it('refuses a snapshot of the previous format (version 1: one object per device) and stays untouched', () => {
    const live = new Aggregator({ areaCodes: CODES });
    feed(live, events(T0, 200, 3));
    const current = live.exportState();
    const v1 = { ...current, version: 1, devices: { devices: [{ id: 'd1', grid: GRIDS[0], lastSeen: T0 }] } } as unknown as ReturnType<Aggregator['exportState']>;
    const fresh = new Aggregator({ areaCodes: CODES });
    const before = view(fresh);
    expect(() => fresh.importState(v1)).toThrow(/aggregate snapshot version 1 is not supported \(this server writes 2\)/);
    expect(view(fresh)).toEqual(before);
    // The same engine can still take the current format afterwards (the server rebuilds from the log instead).
    fresh.importState(deserialize(serialize(current)) as ReturnType<Aggregator['exportState']>);
    expect(view(fresh)).toEqual(view(live));
  });

  it('refuses a malformed device section before restoring anything', () => {
    const live = new Aggregator({ areaCodes: CODES });
    feed(live, events(T0, 200, 4));
    const s = live.exportState();
    const broken = { ...s, devices: { ...s.devices, refs: s.devices.refs.slice(1) } };
    const fresh = new Aggregator({ areaCodes: CODES });
    const before = view(fresh);
    expect(() => fresh.importState(broken)).toThrow(/device snapshot is malformed/);
    expect(view(fresh)).toEqual(before);
  });
});
