import type { CaseHexesResponse } from '../../../../../protocol';
import type { CaseHexQuery } from '../../../services/api';

export interface CaseHexFeedDeps {
  fetch: (q: CaseHexQuery, signal: AbortSignal) => Promise<CaseHexesResponse>;
  /** The answer to the newest query (older answers are dropped). */
  apply: (r: CaseHexesResponse) => void;
  onError?: (err: unknown, q: CaseHexQuery) => void;
  /** At most one request per this many ms while only the cases change (default 2,000). */
  minIntervalMs?: number;
  now?: () => number;
}

const keyOf = (q: CaseHexQuery) => `${q.world}|${q.scope}|${q.window}|${q.resolution}`;

/**
 * Keeps the map's case hexagons live without a request storm: a new query (window, resolution, scope, world)
 * is fetched at once, cancelling the one in flight; changes of the cases themselves (`refresh`) are throttled to
 * one request per {@link CaseHexFeedDeps.minIntervalMs}, trailing, never two in flight.
 */
export function createCaseHexFeed(deps: CaseHexFeedDeps) {
  const minIntervalMs = deps.minIntervalMs ?? 2_000;
  const now = deps.now ?? Date.now;
  let query: CaseHexQuery | undefined;
  let inFlight: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastStart = -Infinity;
  /** The cases changed while a request was in flight: fetch again after it. */
  let again = false;

  function start() {
    const q = query;
    if (!q) return;
    clearTimeout(timer);
    timer = undefined;
    again = false;
    const ctrl = new AbortController();
    inFlight = ctrl;
    lastStart = now();
    deps.fetch(q, ctrl.signal).then(
      (r) => {
        if (inFlight !== ctrl) return;
        inFlight = undefined;
        deps.apply(r);
        if (again) schedule();
      },
      (err: unknown) => {
        if (inFlight !== ctrl) return;
        inFlight = undefined;
        deps.onError?.(err, q);
        if (again) schedule();
      },
    );
  }

  function schedule() {
    if (timer || !query) return;
    if (inFlight) {
      again = true;
      return;
    }
    timer = setTimeout(start, Math.max(0, lastStart + minIntervalMs - now()));
  }

  return {
    /** Shows `q` now (a no-op when it is the query already shown or on its way). */
    show(q: CaseHexQuery) {
      if (query && keyOf(query) === keyOf(q)) return;
      query = q;
      inFlight?.abort();
      inFlight = undefined;
      start();
    },
    /** The cases changed: fetch the current query again, throttled. */
    refresh() {
      schedule();
    },
    /** Stops: nothing in flight, nothing scheduled, no query. */
    stop() {
      clearTimeout(timer);
      timer = undefined;
      inFlight?.abort();
      inFlight = undefined;
      query = undefined;
      again = false;
    },
  };
}

export type CaseHexFeed = ReturnType<typeof createCaseHexFeed>;
