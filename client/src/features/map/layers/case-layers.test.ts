import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaseHexesResponse } from '../../../../../protocol';
import type { CaseHexQuery } from '../../../services/api';
import { caseHeatData, caseHeatLayer, heatColorExpression } from './case-heat-layer';
import { createCaseHexFeed } from './case-hex-feed';
import { caseHexData, caseHexLayers, hexColor, hexResolution } from './case-hex-layer';
import { DEFAULT_CASE_HEAT, DEFAULT_CASE_HEX } from './case-layer-config';
import { casesInWindow } from './case-window';
import { HOUR_MS as H, caseAt as kase } from '../../../../../geo/test-support/case-fixtures';


describe('case layers', () => {
  const now = 100 * 24 * H;
  const cases = [
    kase('a', 'open', now - 2 * H),
    kase('b', 'overdue', now - 30 * H),
    kase('c', 'closed', now - 3 * H),
    kase('d', 'open', now - 9 * 24 * H),
  ];

  it('picks the cases of a time window', () => {
    expect(casesInWindow(cases, 'open', now).map((c) => c.id)).toEqual(['a', 'b', 'd']);
    expect(casesInWindow(cases, '24h', now).map((c) => c.id)).toEqual(['a', 'c']);
    expect(casesInWindow(cases, '7d', now).map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('heatmap: one weighted point per case (overdue double), a colour ramp transparent below the threshold', () => {
    const data = caseHeatData(casesInWindow(cases, 'open', now));
    expect(data.features.map((f) => [f.geometry.coordinates, f.properties.w])).toEqual([
      [[120.1, 30.28], 1],
      [[120.1, 30.28], 2],
      [[120.1, 30.28], 1],
    ]);
    const expr = heatColorExpression(DEFAULT_CASE_HEAT);
    const stops = expr.slice(3);
    const at = stops.filter((_, i) => i % 2 === 0) as number[];
    expect(at[0]).toBe(0);
    expect(at[1]).toBe(DEFAULT_CASE_HEAT.threshold);
    expect(at.at(-1)).toBe(1);
    for (let i = 1; i < at.length; i++) expect(at[i]!).toBeGreaterThan(at[i - 1]!);
    expect(stops[1]).toMatch(/,0\)$/);
    expect(stops.at(-1)).toBe('rgba(227,26,28,1)');
    const layer = caseHeatLayer('src');
    expect(layer).toMatchObject({ id: 'gp-case-heat', type: 'heatmap', source: 'src', layout: { visibility: 'none' } });
  });

  it('hexagons: the server cells as polygons coloured by weight relative to the heaviest', () => {
    const ring: [number, number][] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    const data = caseHexData([
      { hex: 'h1', weight: 3, boundary: ring },
      { hex: 'h2', weight: 1, boundary: ring },
    ]);
    expect(data.features.map((f) => [f.properties.hex, f.properties.weight, f.geometry.coordinates])).toEqual([
      ['h1', 3, [ring]],
      ['h2', 1, [ring]],
    ]);
    expect(data.features[0]!.properties.color).toBe('rgba(220,38,38,0.863)');
    expect(data.features[1]!.properties.color).toBe('rgba(254,240,138,0.588)');
    expect(hexColor(3, 3, DEFAULT_CASE_HEX.colors)).toEqual(DEFAULT_CASE_HEX.colors.at(-1));
    expect(hexColor(1, 3, DEFAULT_CASE_HEX.colors)).toEqual(DEFAULT_CASE_HEX.colors[0]);
    expect(caseHexLayers('src').map((l) => [l.id, l.type])).toEqual([
      ['gp-case-hex', 'fill'],
      ['gp-case-hex-outline', 'line'],
    ]);
    expect([hexResolution(12), hexResolution(15.9), hexResolution(16), hexResolution(18)]).toEqual([9, 9, 10, 10]);
  });
});

describe('case hexagon feed', () => {
  afterEach(() => vi.useRealTimers());
  const q = (over: Partial<CaseHexQuery> = {}): CaseHexQuery => ({
    world: 'live',
    scope: '*',
    window: 'open',
    resolution: 9,
    ...over,
  });
  const answer = (query: CaseHexQuery, n: number): CaseHexesResponse => ({
    ...query,
    time: n,
    cells: [{ hex: `h${n}`, weight: n, boundary: [] }],
  });

  /** A feed whose requests the test answers by hand, in any order. */
  function rig() {
    vi.useFakeTimers();
    const requests: { query: CaseHexQuery; signal: AbortSignal; resolve: (r: CaseHexesResponse) => void }[] = [];
    const applied: number[] = [];
    const feed = createCaseHexFeed({
      fetch: (query, signal) => new Promise((resolve) => requests.push({ query, signal, resolve })),
      apply: (r) => applied.push(r.time),
      minIntervalMs: 1_000,
      now: () => Date.now(),
    });
    return { feed, requests, applied };
  }

  it('fetches a new query at once and drops the answer of the one it replaced', async () => {
    const { feed, requests, applied } = rig();
    feed.show(q());
    feed.show(q()); // same query: nothing new
    expect(requests).toHaveLength(1);
    feed.show(q({ window: '24h' }));
    expect(requests).toHaveLength(2);
    expect(requests[0]!.signal.aborted).toBe(true);
    requests[0]!.resolve(answer(requests[0]!.query, 1));
    requests[1]!.resolve(answer(requests[1]!.query, 2));
    await vi.advanceTimersByTimeAsync(0);
    expect(applied).toEqual([2]);
  });

  it('throttles refreshes while the cases change: one in flight, one trailing, at most one per interval', async () => {
    const { feed, requests, applied } = rig();
    feed.show(q());
    for (let i = 0; i < 20; i++) feed.refresh(); // a storm of case changes while the first request is in flight
    expect(requests).toHaveLength(1);
    requests[0]!.resolve(answer(q(), 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(applied).toEqual([1]);
    expect(requests).toHaveLength(1); // the trailing one waits for the interval
    await vi.advanceTimersByTimeAsync(1_000);
    expect(requests).toHaveLength(2);
    for (let i = 0; i < 20; i++) feed.refresh();
    requests[1]!.resolve(answer(q(), 2));
    await vi.advanceTimersByTimeAsync(999);
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(3);
    requests[2]!.resolve(answer(q(), 3));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(requests).toHaveLength(3); // quiet: no more requests
    expect(applied).toEqual([1, 2, 3]);
    feed.stop();
    feed.refresh();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(requests).toHaveLength(3);
  });
});
