import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CASE_CHANNELS,
  CASE_STATUSES,
  URGENCIES,
  type DeviceType,
  type IngestEvent,
} from '../../protocol';
import { ManualClock } from '../pipeline/clock';
import { Pipeline } from '../pipeline/pipeline';
import { Aggregator } from './aggregator';
import { batchAreaStats, batchOpenByCategory, type BatchInput } from './batch-reference';

/**
 * Issue #5 item 6: for random event sets, the incremental engine equals a plain batch recomputation over
 * the same events — whatever the arrival order, with duplicates — with window edges exact (events are
 * spread over 8 days, so every bucket edge of every window is crossed).
 */
const STREET = '330106007';
const CODES = [STREET, '330106007001', '330106007002', '330106007001001', '330106007001002', '330106007002001', '330106007002002'];
const GRIDS = CODES.filter((c) => c.length === 15);
// A Tuesday 10:00:03.5 Asia/Shanghai: not aligned to any bucket.
const NOW = Date.UTC(2026, 10, 24, 2, 0, 3, 500);
const TYPES: DeviceType[] = ['access', 'parking', 'water', 'power', 'bin', 'smoke', 'wearable', 'camera'];
const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);

const ago = fc.oneof(
  fc.integer({ min: 0, max: 6 * 60_000 }),
  fc.integer({ min: 0, max: 2 * 3_600_000 }),
  fc.integer({ min: 0, max: 8 * 86_400_000 }),
);
// Exact binary fractions: sums are exact whatever the order, so equality is exact too.
const quarter = fc.integer({ min: -4, max: 4 }).map((n) => n / 4);

const deviceEvent = fc.record({ dev: fc.integer({ min: 0, max: 11 }), grid: fc.constantFrom(...GRIDS), ago, telemetry: fc.boolean(), fault: fc.option(fc.boolean(), { nil: undefined }), v: fc.integer({ min: 0, max: 4 }) }).map(({ dev, grid, ago: a, telemetry, fault, v }) => {
  const type = TYPES[dev % TYPES.length]!;
  const metrics: Record<string, number> = {
    access: { opened: v },
    parking: { occupied: v % 2 },
    water: { flow_m3: v },
    power: { kwh: v },
    bin: { fill: v / 4 },
    smoke: { smoke: v === 4 ? 1 : 0 },
    wearable: { heart_rate: 60 + v, sos: v === 4 ? 1 : 0 },
    camera: {},
  }[type]!;
  return { grid, kind: telemetry ? 'device.telemetry' : 'device.heartbeat', time: NOW - a, deviceId: `d${dev}`, deviceType: type, ...(telemetry ? { metrics, fault } : {}) };
});
const caseEvent = fc.record({ c: fc.integer({ min: 0, max: 6 }), grid: fc.constantFrom(...GRIDS), ago, status: fc.constantFrom(...CASE_STATUSES, 'reported', 'resolved'), category: fc.constantFrom('BJ0101', 'BJ0112', 'SJ0203', 'SJ0501'), channel: fc.constantFrom(...CASE_CHANNELS), urgency: fc.constantFrom(...URGENCIES) }).map(({ c, grid, ago: a, ...rest }) => ({ grid, kind: 'case.updated', time: NOW - a, caseId: `c${c}`, ...rest }));
const postEvent = fc.record({ grid: fc.constantFrom(...GRIDS), ago, sentiment: fc.option(quarter, { nil: undefined }), analysed: quarter, words: fc.subarray(['停车', '电梯', '噪音', '垃圾', '物业费', '养老']) }).map(({ grid, ago: a, sentiment, analysed, words }) => ({ grid, kind: 'opinion.post', time: NOW - a, channel: 'forum', text: `${analysed}|${words.join(',')}`, ...(sentiment === undefined ? {} : { sentiment }) }));

const eventList = fc
  .array(fc.oneof({ arbitrary: deviceEvent, weight: 4 }, { arbitrary: caseEvent, weight: 2 }, { arbitrary: postEvent, weight: 1 }), { minLength: 1, maxLength: 80 })
  .map((list) => list.map((e, i) => ({ v: 1, id: `e${i}`, source: 'prop', ...e }) as unknown as IngestEvent));

/** The stand-in text analyzer: "sentiment|word,word". */
const analyze = (text: string) => {
  const [s, words] = text.split('|');
  return { sentiment: Number(s), keywords: words ? words.split(',').filter(Boolean) : [] };
};

function incremental(arrivals: IngestEvent[]) {
  const aggregator = new Aggregator({ areaCodes: CODES });
  const pipeline = new Pipeline({
    clock: new ManualClock(NOW),
    aggregator,
    gridAt: () => undefined,
    log: { append: () => undefined },
    counters: { accepted: () => undefined, rejected: () => undefined, duplicate: () => undefined, late: () => undefined, skewed: () => undefined, backfilled: () => undefined },
    analyze,
  });
  // Arrive in a few batches, as they would over HTTP.
  for (let i = 0; i < arrivals.length; i += 7) pipeline.ingest(arrivals.slice(i, i + 7));
  aggregator.advance(NOW + 1);
  aggregator.advance(NOW);
  return aggregator;
}

function withoutBaselines<T extends { live: object }>(stats: T) {
  const { waterBaseline1h: _w, powerBaseline1h: _p, ...live } = stats.live as Record<string, unknown>;
  return { ...stats, live };
}

describe('incremental aggregates = batch recomputation', () => {
  it(`holds for random events in any order with duplicates (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(eventList, fc.array(fc.nat(), { maxLength: 20 }), fc.nat(), (events, dupIdx, seed) => {
        const dups = dupIdx.map((i) => events[i % events.length]!);
        const arrivals = [...events, ...dups]
          .map((e, i) => ({ e, k: (Math.imul(i + 1, 2654435761) ^ seed) >>> 0 }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.e);
        const agg = incremental(arrivals);
        const inputs: BatchInput[] = events.map((event) => ({ event, grid: event.grid!, post: event.kind === 'opinion.post' ? analyze(event.text) : undefined }));
        const batch = batchAreaStats(inputs, { areaCodes: CODES, now: NOW + 1 });
        for (const code of ['*', ...CODES]) {
          expect(withoutBaselines(agg.stats(code)!), code).toEqual(batch.get(code));
          expect(agg.insights(code)!.openByCategory, `${code} openByCategory`).toEqual(batchOpenByCategory(inputs, code));
        }
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('counts hot topics with decay exactly while the sketch is not full', () => {
    fc.assert(
      fc.property(eventList, fc.nat(), (events, seed) => {
        const shuffled = [...events].sort((a, b) => ((a.time ^ seed) % 13) - ((b.time ^ seed) % 13));
        const agg = incremental(shuffled);
        const expected = new Map<string, number>();
        for (const e of events) {
          if (e.kind !== 'opinion.post') continue;
          for (const w of analyze(e.text).keywords) expected.set(w, (expected.get(w) ?? 0) + 2 ** ((e.time - (NOW + 1)) / (6 * 3_600_000)));
        }
        const topics = agg.insights('*')!.topics;
        expect(topics.length).toBe(expected.size);
        for (const { word, weight } of topics) expect(weight).toBeCloseTo(expected.get(word)!, 1);
      }),
      { numRuns: Math.max(100, RUNS / 5) },
    );
  }, 60_000);
});
