import type {
  AreaStats,
  AreaStatsPatch,
  CaseView,
  DeviceView,
  EventSeries,
  ObjectPatch,
  ScopeChanges,
  ScopeInsights,
  ScopeInsightsPatch,
  ScopeState,
  WindowSeries,
  WindowTail,
} from './frames';

/**
 * Field-level deltas (DESIGN §5): the server diffs what changed against what a room's clients hold, the client
 * applies the patch to what it holds. Pure functions on plain JSON data; inputs are never mutated, outputs share
 * the unchanged parts of their inputs.
 *
 * The diffs take several bases: every value some client of the room may hold (the last value sent, and any
 * snapshot given since). A field goes into the patch when it differs from any of them, so the patch brings every
 * base to the same new value.
 */

/** A patch that does not fit what the client holds: the client must resync (never guess). */
export class FramePatchError extends Error {
  constructor(
    message: string,
    /** Where in the frame, e.g. `areas[3].live.parking`. */
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
  }
}

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON values (numbers by Object.is, so NaN equals NaN). */
export function jsonEqual(a: Json, b: Json): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || !jsonEqual(a[k], b[k])) return false;
  return true;
}

/**
 * The fields of `next` that differ from any of `bases` (nested objects field by field, arrays whole); undefined
 * when none does. With no base known, all of `next`.
 */
export function diffObject<T extends object>(next: T, bases: readonly T[]): ObjectPatch<T> | undefined {
  if (bases.length === 0) return next as ObjectPatch<T>;
  const out: JsonObject = {};
  let any = false;
  const n = next as JsonObject;
  for (const key of Object.keys(n)) {
    const v = n[key];
    if (isObject(v)) {
      const sub: JsonObject[] = [];
      let whole = false;
      for (const b of bases) {
        const bv = (b as JsonObject)[key];
        if (isObject(bv)) sub.push(bv);
        else whole = true;
      }
      const p = whole ? v : diffObject(v, sub);
      if (p !== undefined) {
        out[key] = p;
        any = true;
      }
    } else {
      for (const b of bases) {
        if (!jsonEqual((b as JsonObject)[key], v)) {
          out[key] = v;
          any = true;
          break;
        }
      }
    }
  }
  return any ? (out as ObjectPatch<T>) : undefined;
}

/** `base` with `patch` applied; throws FramePatchError when the patch names a field `base` does not have. */
export function applyObjectPatch<T extends object>(base: T, patch: ObjectPatch<T>, path = ''): T {
  if (!isObject(base)) throw new FramePatchError('no object here to patch', path || '.');
  if (!isObject(patch)) throw new FramePatchError('a patch must be an object', path || '.');
  const out: JsonObject = { ...(base as JsonObject) };
  for (const key of Object.keys(patch)) {
    const where = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(out, key)) throw new FramePatchError('no such field in what the client holds', where);
    const v = (patch as JsonObject)[key];
    const held = out[key];
    if (isObject(v)) {
      if (!isObject(held)) throw new FramePatchError('patches a field that is not an object', where);
      out[key] = applyObjectPatch(held, v, where);
    } else {
      if (isObject(held)) throw new FramePatchError('replaces an object with a plain value', where);
      out[key] = v;
    }
  }
  return out as T;
}

/** The changed fields of an area's stats against the bases, or undefined when nothing changed. */
export function diffAreaStats(next: AreaStats, bases: readonly AreaStats[]): AreaStatsPatch | undefined {
  const { code, ...rest } = next;
  const p = diffObject<Omit<AreaStats, 'code'>>(rest, bases);
  return p === undefined ? undefined : { ...p, code };
}

export function applyAreaPatch(base: AreaStats, patch: AreaStatsPatch, path = 'area'): AreaStats {
  if (patch.code !== base.code) throw new FramePatchError(`patch for area ${patch.code} applied to ${base.code}`, path);
  return applyObjectPatch(base, patch as ObjectPatch<AreaStats>, path);
}

/** A series as the tail functions see it (EventSeries names its points `counts`). */
interface Windowed<T> {
  start: number;
  stepMs: number;
  points: readonly T[];
}

/**
 * The tail of `next` from its first bucket that differs from any base (after moving that base's window to
 * `next.start`); undefined when every base already equals `next`. A base on another step, or whose window is
 * ahead of `next`, gets the whole series (`from` 0).
 */
export function diffWindow<T>(next: Windowed<T>, bases: readonly Windowed<T>[]): WindowTail<T> | undefined {
  const n = next.points.length;
  let from = bases.length === 0 ? 0 : n;
  let same = bases.length > 0;
  for (const b of bases) {
    if (b.start !== next.start || b.stepMs !== next.stepMs || b.points.length !== n) same = false;
    const shift = (next.start - b.start) / b.stepMs;
    if (b.stepMs !== next.stepMs || !Number.isInteger(shift) || shift < 0) {
      from = 0;
      break;
    }
    const kept = Math.max(0, b.points.length - shift);
    const limit = Math.min(kept, from);
    let i = 0;
    while (i < limit && jsonEqual(next.points[i], b.points[i + shift])) i++;
    from = i;
  }
  if (same && from === n) return undefined;
  return { start: next.start, stepMs: next.stepMs, from, points: next.points.slice(from) };
}

/** `base` moved to the tail's window with the tail applied. */
export function applyWindow<T>(
  base: Windowed<T>,
  tail: WindowTail<T>,
  path: string,
): { start: number; stepMs: number; points: T[] } {
  const { start, stepMs, from, points } = tail;
  if (!Number.isInteger(from) || from < 0 || !Array.isArray(points))
    throw new FramePatchError('malformed series tail', path);
  if (from === 0) return { start, stepMs, points: [...points] };
  const shift = (start - base.start) / base.stepMs;
  if (stepMs !== base.stepMs || !Number.isInteger(shift) || shift < 0) {
    throw new FramePatchError(`window ${start}/${stepMs} does not follow the held ${base.start}/${base.stepMs}`, path);
  }
  if (from > base.points.length - shift)
    throw new FramePatchError(`keeps ${from} buckets, the client holds ${base.points.length - shift}`, path);
  return { start, stepMs, points: [...base.points.slice(shift, shift + from), ...points] };
}

export function diffEventSeries(
  next: EventSeries,
  bases: readonly EventSeries[],
): WindowTail<EventSeries['counts'][number]> | undefined {
  const w = (s: EventSeries) => ({ start: s.start, stepMs: s.stepMs, points: s.counts });
  return diffWindow(w(next), bases.map(w));
}

export function applyEventSeries(
  base: EventSeries,
  tail: WindowTail<EventSeries['counts'][number]>,
  path = 'series',
): EventSeries {
  const r = applyWindow({ start: base.start, stepMs: base.stepMs, points: base.counts }, tail, path);
  return { start: r.start, stepMs: r.stepMs, counts: r.points };
}

const WINDOW_KEYS = ['cases24h', 'cases7d', 'opinion24h'] as const;
const LIST_KEYS = ['openByCategory', 'topics'] as const;

export function diffInsights(next: ScopeInsights, bases: readonly ScopeInsights[]): ScopeInsightsPatch | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const key of WINDOW_KEYS) {
    const p = diffWindow<unknown>(
      next[key],
      bases.map((b) => b[key]),
    );
    if (p) {
      out[key] = p;
      any = true;
    }
  }
  for (const key of LIST_KEYS) {
    if (bases.length === 0 || bases.some((b) => !jsonEqual(b[key], next[key]))) {
      out[key] = next[key];
      any = true;
    }
  }
  return any ? (out as ScopeInsightsPatch) : undefined;
}

export function applyInsights(base: ScopeInsights, patch: ScopeInsightsPatch, path = 'insights'): ScopeInsights {
  if (!isObject(patch)) throw new FramePatchError('a patch must be an object', path);
  const out = { ...base } as Record<string, unknown>;
  for (const key of Object.keys(patch)) {
    const where = `${path}.${key}`;
    const v = (patch as Record<string, unknown>)[key];
    if ((WINDOW_KEYS as readonly string[]).includes(key)) {
      out[key] = applyWindow(
        base[key as (typeof WINDOW_KEYS)[number]] as WindowSeries<unknown>,
        v as WindowTail<unknown>,
        where,
      );
    } else if ((LIST_KEYS as readonly string[]).includes(key)) {
      if (!Array.isArray(v)) throw new FramePatchError('must be a list', where);
      out[key] = v;
    } else {
      throw new FramePatchError('no such part of the insights', where);
    }
  }
  return out as unknown as ScopeInsights;
}

/** The summary and per-area stats after a delta; throws FramePatchError on an area the client does not hold. */
export function applyAreaChanges(
  summary: AreaStats,
  byCode: ReadonlyMap<string, AreaStats>,
  changes: Pick<ScopeChanges, 'summary' | 'areas'>,
): { summary: AreaStats; areas: AreaStats[] } {
  const nextSummary = changes.summary ? applyAreaPatch(summary, changes.summary, 'summary') : summary;
  const areas = (changes.areas ?? []).map((p, i) => {
    const held = byCode.get(p.code);
    if (!held) throw new FramePatchError(`area ${String(p.code)} is not in the snapshot`, `areas[${i}]`);
    return applyAreaPatch(held, p, `areas[${i}]`);
  });
  return { summary: nextSummary, areas };
}

function upsert<T extends { id: string }>(
  list: readonly T[],
  changed: readonly T[] | undefined,
  removed: readonly string[] = [],
): T[] {
  if (!changed?.length && !removed.length) return [...list];
  const byId = new Map(list.map((v) => [v.id, v]));
  for (const v of changed ?? []) byId.set(v.id, v);
  for (const id of removed) byId.delete(id);
  return [...byId.values()];
}

/**
 * A whole scope state after one delta (what a client holds, in one object): tests, benchmarks and tools that
 * follow a subscription use it; the app's stores apply the same functions part by part.
 */
export function applyScopeChanges(state: ScopeState, changes: ScopeChanges): ScopeState {
  const byCode = new Map(state.areas.map((a) => [a.code, a]));
  const { summary, areas } = applyAreaChanges(state.summary, byCode, changes);
  for (const a of areas) byCode.set(a.code, a);
  return {
    summary,
    areas: changes.areas?.length ? state.areas.map((a) => byCode.get(a.code)!) : state.areas,
    devices: upsert<DeviceView>(state.devices, changes.devices),
    cases: upsert<CaseView>(state.cases, changes.cases, changes.removedCases),
    series: changes.series ? applyEventSeries(state.series, changes.series) : state.series,
    insights: changes.insights ? applyInsights(state.insights, changes.insights) : state.insights,
  };
}
