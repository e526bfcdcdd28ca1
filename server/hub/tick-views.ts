import { ROOT_SCOPE, lineageCodes, type CaseView, type DeviceView } from '../../protocol';
import type { AggregateChanges, Aggregator } from '../aggregate/aggregator';
import { maskText } from '../auth/masking';

const NONE: readonly never[] = [];

/** A case as a wall may show it: free text loses phone and ID numbers. */
function maskCase(view: CaseView): CaseView {
  return view.title === undefined ? view : { ...view, title: maskText(view.title) };
}

/** Adds `item` to the list of its grid and of every area above it (and the root): a scope takes one list. */
function index<T>(into: Map<string, T[]>, grid: string, item: T): void {
  const add = (code: string) => {
    const list = into.get(code);
    if (list) list.push(item);
    else into.set(code, [item]);
  };
  add(ROOT_SCOPE);
  for (const code of lineageCodes(grid)) add(code);
}

/**
 * The device and case changes of one tick, each view built once and grouped by every area that contains it, so a
 * room takes its scope's list instead of walking every change (issue #8). Built lazily: a tick whose rooms show
 * no devices builds no device views.
 */
export class TickViews {
  private devices?: Map<string, DeviceView[]>;
  private cases?: Map<string, CaseView[]>;
  private readonly masked = new Map<string, CaseView[]>();
  private removed?: Map<string, string[]>;
  private readonly recorded = new Set<string>();

  constructor(
    private readonly aggregator: Aggregator,
    private readonly changes: AggregateChanges,
    /** The grid of every case view a client may hold (see Hub.caseGrids); updated as scopes take cases. */
    private readonly caseGrids: Map<string, string>,
    /** The removed cases a client may hold, with their grids. */
    private readonly removedCases: readonly { id: string; grid: string }[],
  ) {}

  devicesIn(scope: string): readonly DeviceView[] {
    if (!this.devices) {
      this.devices = new Map();
      const tracker = this.aggregator.devices;
      for (const id of this.changes.devices) {
        const d = tracker.get(id);
        if (!d) continue;
        const view = tracker.view(d);
        index(this.devices, view.grid, view);
      }
    }
    return this.devices.get(scope) ?? NONE;
  }

  casesIn(scope: string, masked: boolean): readonly CaseView[] {
    if (!this.cases) {
      this.cases = new Map();
      for (const id of this.changes.cases) {
        const view = this.aggregator.cases.view(id);
        if (view) index(this.cases, view.grid, view);
      }
    }
    const list = this.cases.get(scope);
    if (!list) return NONE;
    if (!this.recorded.has(scope)) {
      this.recorded.add(scope);
      for (const v of list) this.caseGrids.set(v.id, v.grid);
    }
    if (!masked) return list;
    let m = this.masked.get(scope);
    if (!m) this.masked.set(scope, (m = list.map(maskCase)));
    return m;
  }

  removedIn(scope: string): readonly string[] {
    if (!this.removed) {
      this.removed = new Map();
      for (const r of this.removedCases) index(this.removed, r.grid, r.id);
    }
    return this.removed.get(scope) ?? NONE;
  }
}

export { maskCase };
