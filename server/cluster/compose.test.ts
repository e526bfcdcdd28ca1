import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IngestEvent } from '../../protocol';
import { Aggregator } from '../aggregate/aggregator';
import { mergeAreaStats, mergeEventSeries, mergeInsights } from './compose';

const STREETS = ['330106007', '330106008'];
const GRIDS = ['330106007001001', '330106007001002', '330106008001001'];
const CODES = ['330106', ...STREETS, '330106007001', '330106008001', ...GRIDS];
const NOW = 1_800_000_000_000;

/** An event of any feed in grid `g` (index into GRIDS), `ago` ms before NOW. */
function event(i: number, kind: number, ago: number): IngestEvent {
  const base = { v: 1 as const, id: `e${i}`, source: 't', time: NOW - ago };
  switch (kind) {
    case 0:
      return { ...base, kind: 'device.heartbeat', deviceId: `d${i % 7}`, deviceType: i % 2 ? 'smoke' : 'parking' };
    case 1:
      return { ...base, kind: 'device.telemetry', deviceId: `w${i % 5}`, deviceType: 'water', metrics: { flow_m3: (i % 9) / 10 } };
    case 2:
      return { ...base, kind: 'case.updated', caseId: `C${i}`, status: 'reported', category: i % 2 ? '0101' : '0203', channel: 'hotline', urgency: 'normal' };
    case 3:
      return { ...base, kind: 'case.updated', caseId: `C${i - 1}`, status: 'resolved', category: '0101', channel: 'hotline', urgency: 'normal' };
    default:
      return { ...base, kind: 'opinion.post', channel: 'forum', text: '停车难', sentiment: ((i % 11) - 5) / 5 };
  }
}

describe('composing a spanning area from its streets', () => {
  it('equals one aggregator over both streets (counts exact, weighted means to their rounding)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 60_000 })), { minLength: 1, maxLength: 60 }), (spec) => {
        const all = new Aggregator({ areaCodes: CODES });
        const parts = STREETS.map(() => new Aggregator({ areaCodes: CODES }));
        for (const a of [all, ...parts]) a.advance(NOW);
        spec.forEach(([g, kind, ago], i) => {
          // A case closes in the grid where it was reported (kind 3 follows its report).
          const e = event(i, kind === 3 && (i === 0 || spec[i - 1]![1] !== 2) ? 2 : kind, kind === 3 ? Math.max(0, ago - 1) : ago);
          const grid = kind === 3 && i > 0 && spec[i - 1]![1] === 2 ? GRIDS[spec[i - 1]![0]]! : GRIDS[g]!;
          const id = { ...e, id: `${e.id}-${grid}`, ...('deviceId' in e ? { deviceId: `${e.deviceId}-${grid}` } : {}) } as IngestEvent;
          all.apply(id, grid);
          parts[STREETS.indexOf(grid.slice(0, 9))]!.apply(id, grid);
        });
        const whole = all.stats('330106')!;
        expect(whole.events5m.device + whole.events5m.case + whole.events5m.opinion).toBe(spec.length);
        const merged = mergeAreaStats('330106', STREETS.map((s, k) => parts[k]!.stats(s)!), GRIDS.length);
        const { cases, opinion, ...exact } = whole;
        const { cases: mc, opinion: mo, ...mergedExact } = merged;
        expect(mergedExact).toEqual(exact);
        expect({ ...mc, meanCloseMs24h: null, slaRate24h: null }).toEqual({ ...cases, meanCloseMs24h: null, slaRate24h: null });
        if (cases.meanCloseMs24h === null) expect(mc.meanCloseMs24h).toBeNull();
        else expect(Math.abs(mc.meanCloseMs24h! - cases.meanCloseMs24h)).toBeLessThanOrEqual(1);
        expect(mo.posts1h).toBe(opinion.posts1h);
        if (opinion.sentiment24h === null) expect(mo.sentiment24h).toBeNull();
        else expect(mo.sentiment24h!).toBeCloseTo(opinion.sentiment24h, 2);
        expect(mergeEventSeries(STREETS.map((s, k) => parts[k]!.series(s)!))).toEqual(all.series('330106'));
        const mi = mergeInsights(STREETS.map((s, k) => parts[k]!.insights(s)!));
        const wi = all.insights('330106')!;
        expect(mi.cases24h).toEqual(wi.cases24h);
        expect(mi.cases7d).toEqual(wi.cases7d);
        expect(mi.openByCategory).toEqual(wi.openByCategory);
        expect(mi.opinion24h.points.map((p) => p.posts)).toEqual(wi.opinion24h.points.map((p) => p.posts));
      }),
      { numRuns: 40 },
    );
  });

  it('aligns series on time: a part one bucket behind lends its overlapping buckets', () => {
    const c = (n: number) => ({ device: n, case: 0, opinion: 0 });
    const merged = mergeEventSeries([
      { start: 120_000, stepMs: 60_000, counts: [c(1), c(2), c(3)] },
      { start: 60_000, stepMs: 60_000, counts: [c(10), c(20), c(30)] },
    ]);
    expect(merged.start).toBe(120_000);
    expect(merged.counts.map((x) => x.device)).toEqual([1 + 20, 2 + 30, 3]);
  });

  it('adds topic weights and keeps the heaviest', () => {
    const empty = { start: 0, stepMs: 3_600_000, points: [] };
    const part = (topics: { word: string; weight: number }[]) => ({ cases24h: empty, cases7d: empty, openByCategory: [], topics, opinion24h: empty });
    const a = part(Array.from({ length: 12 }, (_, i) => ({ word: `a${i}`, weight: 12 - i })));
    const b = part([{ word: 'a11', weight: 20 }, { word: 'b', weight: 0.5 }]);
    const topics = mergeInsights([a, b]).topics;
    expect(topics[0]).toEqual({ word: 'a11', weight: 21 });
    expect(topics).toHaveLength(12);
    expect(topics.some((t) => t.word === 'b')).toBe(false);
  });
});
