import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IngestEvent } from '../../protocol';
import { Aggregator } from './aggregator';

const STREET = '330106007';
const A = '330106007001';
const GRID_A1 = '330106007001001';
const GRID_A2 = '330106007001002';
const B = '330106007002';
const GRID_B1 = '330106007002001';
const CODES = [STREET, A, B, GRID_A1, GRID_A2, GRID_B1];
const NOW = 1_800_000_000_000;

function hb(id: string, deviceId: string, time: number): IngestEvent {
  return { v: 1, kind: 'device.heartbeat', id, source: 't', time, deviceId, deviceType: 'camera' };
}
function post(id: string, time: number): IngestEvent {
  return { v: 1, kind: 'opinion.post', id, source: 't', time, channel: 'forum', text: '停车难' };
}

describe('Aggregator', () => {
  it('rolls grid counts up by code prefix to community, street and the whole deployment', () => {
    const agg = new Aggregator({ areaCodes: CODES });
    agg.advance(NOW);
    agg.apply(hb('1', 'd1', NOW - 1000), GRID_A1);
    agg.apply(hb('2', 'd2', NOW - 1000), GRID_A2);
    agg.apply(post('3', NOW - 2000), GRID_B1);
    expect(agg.stats(GRID_A1)!.events5m).toEqual({ device: 1, case: 0, opinion: 0 });
    expect(agg.stats(A)!.events5m.device).toBe(2);
    expect(agg.stats(STREET)!.events5m).toEqual({ device: 2, case: 0, opinion: 1 });
    expect(agg.stats('*')!.events5m).toEqual({ device: 2, case: 0, opinion: 1 });
    expect(agg.stats(A)!.devices).toEqual({ total: 2, online: 2, offline: 0, fault: 0 });
    const changes = agg.takeChanges();
    expect([...changes.areas].sort()).toEqual(['*', ...CODES].sort());
    expect(changes.devices.sort()).toEqual(['d1', 'd2']);
    expect(agg.takeChanges().areas.size).toBe(0);
  });

  it('expires counts after 5 minutes and turns silent devices offline on the clock', () => {
    const agg = new Aggregator({ areaCodes: CODES });
    agg.advance(NOW);
    agg.apply(hb('1', 'cam', NOW), GRID_A1);
    agg.takeChanges();
    agg.advance(NOW + 5 * 60_000 + 10_000);
    expect(agg.stats(GRID_A1)!.events5m.device).toBe(0);
    // camera timeout is 5 min: silent for 5 min 10 s → offline
    expect(agg.stats(GRID_A1)!.devices).toMatchObject({ online: 0, offline: 1 });
    const changes = agg.takeChanges();
    expect(changes.devices).toEqual(['cam']);
    expect(changes.areas.has(GRID_A1)).toBe(true);
    // its next heartbeat brings it back
    agg.apply(hb('2', 'cam', NOW + 5 * 60_000 + 10_000), GRID_A1);
    expect(agg.stats(A)!.devices).toMatchObject({ online: 1, offline: 0 });
  });

  it('counts late events as late and windows far-future ones by ingest time', () => {
    const agg = new Aggregator({ areaCodes: CODES });
    agg.advance(NOW);
    expect(agg.apply(hb('1', 'd', NOW - 90_000), GRID_A1)).toBe('late');
    expect(agg.apply(hb('2', 'd', NOW + 10 * 60_000), GRID_A1)).toBe('skewed');
    expect(agg.apply(hb('3', 'd', NOW - 30_000), GRID_A1)).toBe('counted');
    expect(agg.stats(GRID_A1)!.events5m.device).toBe(3);
  });

  it('gives the same aggregates whatever the arrival order within the allowed lateness', () => {
    const times = fc.array(fc.integer({ min: 0, max: 59_999 }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(times, fc.integer(), (offsets, seed) => {
        const events = offsets.map((o, i) => ({
          e: hb(`e${i}`, `d${i % 5}`, NOW - o),
          grid: i % 2 ? GRID_A1 : GRID_B1,
        }));
        const shuffled = [...events].sort((x, y) => ((x.e.time * 31 + seed) % 97) - ((y.e.time * 31 + seed) % 97));
        const run = (list: typeof events) => {
          const agg = new Aggregator({ areaCodes: CODES });
          agg.advance(NOW);
          for (const { e, grid } of list) agg.apply(e, grid);
          return [
            agg.stats('*'),
            agg.stats(A),
            agg.stats(B),
            agg.series('*'),
            agg
              .deviceViews('*')
              // a device's slot (ix) is its order of first arrival: an index, not an aggregate
              .map(({ ix: _slot, ...view }) => view)
              .sort((a, b) => a.id.localeCompare(b.id)),
          ];
        };
        expect(run(shuffled)).toEqual(run(events));
      }),
      { numRuns: 200 },
    );
  });

  it('gives a 60-minute series per feed', () => {
    const agg = new Aggregator({ areaCodes: CODES });
    agg.advance(NOW);
    agg.apply(post('p', NOW - 61_000), GRID_A1);
    agg.apply(hb('h', 'd', NOW), GRID_A1);
    const s = agg.series(A)!;
    expect(s.counts).toHaveLength(60);
    expect(s.stepMs).toBe(60_000);
    expect(s.counts.at(-1)!.device).toBe(1);
    expect(s.counts.reduce((n, c) => n + c.opinion, 0)).toBe(1);
  });
});
