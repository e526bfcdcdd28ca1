import {
  CASE_CHANNELS,
  DEVICE_TYPES,
  type AreaStats,
  type CaseChannel,
  type DeviceCounts,
  type DeviceType,
  type EventSeries,
  type FeedCounts,
  type ScopeInsights,
  type WindowSeries,
} from '../../protocol';
import { pressureIndex } from '../aggregate/area-view';

/**
 * Composing the figures of an area that spans several streets from the streets' own figures (DESIGN §7): in a
 * multi-street cluster each street is aggregated on its owner node, and a spanning scope (the root `*` of a wall,
 * a district) is the sum of its streets. Counts add; means and rates are weighted by their counts (a mean close
 * time by the cases closed, a sentiment by the posts); pressure is recomputed with the aggregator's own formula
 * over the spanning area's grids; series add bucket by bucket, aligned on time; top lists add and are cut again.
 */

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

function sum<T>(parts: readonly T[], of: (p: T) => number): number {
  let s = 0;
  for (const p of parts) s += of(p);
  return s;
}

/** Σ value×weight / Σ weight over the parts that have a value; null when the total weight is 0. */
function weighted<T>(parts: readonly T[], value: (p: T) => number | null, weight: (p: T) => number, digits: number): number | null {
  let w = 0;
  let s = 0;
  for (const p of parts) {
    const v = value(p);
    const k = weight(p);
    if (v === null || k === 0) continue;
    w += k;
    s += v * k;
  }
  return w > 0 ? round(s / w, digits) : null;
}

function addCounts(parts: readonly DeviceCounts[]): DeviceCounts {
  return {
    total: sum(parts, (c) => c.total),
    online: sum(parts, (c) => c.online),
    offline: sum(parts, (c) => c.offline),
    fault: sum(parts, (c) => c.fault),
  };
}

/** A learned usual value of the sum: the sum of the parts' (null until every part has learned one). */
function addBaselines(values: readonly (number | null)[]): number | null {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  return round(sum(values, (v) => v!));
}

/**
 * The stats of area `code` made of `parts` (the stats of disjoint areas that together make it, e.g. its
 * streets), with `grids` grids in all (the pressure index is per grid).
 */
export function mergeAreaStats(code: string, parts: readonly AreaStats[], grids: number): AreaStats {
  const devices = addCounts(parts.map((p) => p.devices));
  const devicesByType = Object.fromEntries(DEVICE_TYPES.map((t) => [t, addCounts(parts.map((p) => p.devicesByType[t]))])) as Record<
    DeviceType,
    DeviceCounts
  >;
  const closed24h = sum(parts, (p) => p.cases.closed24h);
  const open = sum(parts, (p) => p.cases.open);
  const overdue = sum(parts, (p) => p.cases.overdue);
  const negative1h = sum(parts, (p) => p.opinion.negative1h);
  const meanClose = weighted(parts, (p) => p.cases.meanCloseMs24h, (p) => p.cases.closed24h, 0);
  return {
    code,
    events5m: {
      device: sum(parts, (p) => p.events5m.device),
      case: sum(parts, (p) => p.events5m.case),
      opinion: sum(parts, (p) => p.events5m.opinion),
    },
    devices,
    devicesByType,
    live: {
      parking: { spaces: sum(parts, (p) => p.live.parking.spaces), occupied: sum(parts, (p) => p.live.parking.occupied) },
      binFill: [0, 1, 2, 3, 4].map((i) => sum(parts, (p) => p.live.binFill[i]!)) as AreaStats['live']['binFill'],
      doorOpenings1h: sum(parts, (p) => p.live.doorOpenings1h),
      water1h: round(sum(parts, (p) => p.live.water1h)),
      waterBaseline1h: addBaselines(parts.map((p) => p.live.waterBaseline1h)),
      power1h: round(sum(parts, (p) => p.live.power1h)),
      powerBaseline1h: addBaselines(parts.map((p) => p.live.powerBaseline1h)),
      smokeAlarms: sum(parts, (p) => p.live.smokeAlarms),
      sosActive: sum(parts, (p) => p.live.sosActive),
    },
    cases: {
      new24h: sum(parts, (p) => p.cases.new24h),
      open,
      overdue,
      closed24h,
      meanCloseMs24h: closed24h > 0 ? meanClose : null,
      slaRate24h: closed24h > 0 ? weighted(parts, (p) => p.cases.slaRate24h, (p) => p.cases.closed24h, 3) : null,
      bySource24h: Object.fromEntries(CASE_CHANNELS.map((c) => [c, sum(parts, (p) => p.cases.bySource24h[c])])) as Record<CaseChannel, number>,
    },
    opinion: {
      posts1h: sum(parts, (p) => p.opinion.posts1h),
      posts24h: sum(parts, (p) => p.opinion.posts24h),
      sentiment1h: weighted(parts, (p) => p.opinion.sentiment1h, (p) => p.opinion.posts1h, 3),
      sentiment24h: weighted(parts, (p) => p.opinion.sentiment24h, (p) => p.opinion.posts24h, 3),
      negative1h,
    },
    pressure: pressureIndex(devices, open, overdue, negative1h, grids),
  };
}

/**
 * Adds per-bucket series aligned on time: the result starts at the latest start among the parts (the newest
 * window; a part whose clock is a bucket behind lends its overlapping buckets), with the longest part's length.
 */
function alignedSum<T>(
  parts: readonly { start: number; stepMs: number; points: readonly T[] }[],
  zero: () => T,
  add: (into: T, p: T) => void,
): { start: number; stepMs: number; points: T[] } | undefined {
  if (parts.length === 0) return undefined;
  const stepMs = parts[0]!.stepMs;
  const start = Math.max(...parts.map((p) => p.start));
  const length = Math.max(...parts.map((p) => p.points.length));
  const points = Array.from({ length }, zero);
  for (const part of parts) {
    const offset = Math.round((part.start - start) / stepMs);
    part.points.forEach((p, j) => {
      const i = offset + j;
      if (i >= 0 && i < length) add(points[i]!, p);
    });
  }
  return { start, stepMs, points };
}

export function mergeEventSeries(parts: readonly EventSeries[]): EventSeries {
  const merged = alignedSum<FeedCounts>(
    parts.map((p) => ({ start: p.start, stepMs: p.stepMs, points: p.counts })),
    () => ({ device: 0, case: 0, opinion: 0 }),
    (into, p) => {
      into.device += p.device;
      into.case += p.case;
      into.opinion += p.opinion;
    },
  );
  return merged ? { start: merged.start, stepMs: merged.stepMs, counts: merged.points } : { start: 0, stepMs: 60_000, counts: [] };
}

function mergeCaseSeries(parts: readonly WindowSeries<{ new: number; closed: number }>[], stepMs: number): WindowSeries<{ new: number; closed: number }> {
  return (
    alignedSum(parts, () => ({ new: 0, closed: 0 }), (into, p) => {
      into.new += p.new;
      into.closed += p.closed;
    }) ?? { start: 0, stepMs, points: [] }
  );
}

/** How many of the open categories and hot topics a scope shows (as the aggregator cuts them). */
const TOP_CATEGORIES = 10;
const TOP_TOPICS = 12;

export function mergeInsights(parts: readonly ScopeInsights[]): ScopeInsights {
  const categories = new Map<string, number>();
  for (const p of parts) for (const c of p.openByCategory) categories.set(c.category, (categories.get(c.category) ?? 0) + c.open);
  const topics = new Map<string, number>();
  for (const p of parts) for (const t of p.topics) topics.set(t.word, (topics.get(t.word) ?? 0) + t.weight);
  // Opinion per hour: posts add, sentiment weighted by posts (Σ sentiment = mean × posts per part).
  const opinion = alignedSum(
    parts.map((p) => ({ ...p.opinion24h, points: p.opinion24h.points.map((o) => ({ posts: o.posts, sum: (o.sentiment ?? 0) * o.posts })) })),
    () => ({ posts: 0, sum: 0 }),
    (into, p) => {
      into.posts += p.posts;
      into.sum += p.sum;
    },
  );
  return {
    cases24h: mergeCaseSeries(parts.map((p) => p.cases24h), 3_600_000),
    cases7d: mergeCaseSeries(parts.map((p) => p.cases7d), 86_400_000),
    openByCategory: [...categories]
      .map(([category, open]) => ({ category, open }))
      .sort((a, b) => b.open - a.open || a.category.localeCompare(b.category))
      .slice(0, TOP_CATEGORIES),
    topics: [...topics]
      .map(([word, weight]) => ({ word, weight: round(weight, 2) }))
      .sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word))
      .slice(0, TOP_TOPICS),
    opinion24h: opinion
      ? { start: opinion.start, stepMs: opinion.stepMs, points: opinion.points.map((o) => ({ posts: o.posts, sentiment: o.posts > 0 ? round(o.sum / o.posts) : null })) }
      : { start: 0, stepMs: 3_600_000, points: [] },
  };
}
