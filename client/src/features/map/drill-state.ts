import type { AreaInfo, AreaLevel } from '../../../../protocol';

/**
 * Drill-down street → community → grid → building as a pure state machine: the path from the top area down
 * to the focus. Going in adds one step, going back drops exactly one; the top area is never dropped.
 */
export type DrillStep =
  { kind: 'area'; code: string; level: AreaLevel } | { kind: 'building'; id: string; name: string; grid: string };

export interface DrillState {
  readonly path: readonly DrillStep[];
}

/** What the state machine needs to know about areas. */
export type AreaLookup = ReadonlyMap<string, Pick<AreaInfo, 'code' | 'level' | 'parent'>>;

export function drillRoot(root: Pick<AreaInfo, 'code' | 'level'>): DrillState {
  return { path: [{ kind: 'area', code: root.code, level: root.level }] };
}

export function drillFocus(state: DrillState): DrillStep {
  return state.path[state.path.length - 1]!;
}

/** The focused area's code; for a building, its grid. */
export function focusAreaCode(state: DrillState): string {
  const f = drillFocus(state);
  return f.kind === 'area' ? f.code : f.grid;
}

/** Where a click can go next: the focus's child areas, buildings of a focused grid, nothing below a building. */
export function nextLevel(state: DrillState): AreaLevel | 'building' | undefined {
  const f = drillFocus(state);
  if (f.kind === 'building') return undefined;
  return f.level === 'grid' ? 'building' : f.level === 'community' ? 'grid' : 'community';
}

/** One level down into a child area of the focus; anything else leaves the state as it is. */
export function drillInto(state: DrillState, code: string, areas: AreaLookup): DrillState {
  const f = drillFocus(state);
  const a = areas.get(code);
  if (f.kind !== 'area' || !a || a.parent !== f.code) return state;
  return { path: [...state.path, { kind: 'area', code, level: a.level }] };
}

/** Into a building of the focused grid. */
export function drillIntoBuilding(state: DrillState, b: { id: string; name: string; grid: string }): DrillState {
  const f = drillFocus(state);
  if (f.kind !== 'area' || f.level !== 'grid' || b.grid !== f.code) return state;
  return { path: [...state.path, { kind: 'building', id: b.id, name: b.name, grid: b.grid }] };
}

/** Exactly one level up; the top area stays. */
export function drillUp(state: DrillState): DrillState {
  return state.path.length > 1 ? { path: state.path.slice(0, -1) } : state;
}

/** Back to step `depth` of the path (0 = the top area). */
export function drillTo(state: DrillState, depth: number): DrillState {
  return depth >= 0 && depth < state.path.length - 1 ? { path: state.path.slice(0, depth + 1) } : state;
}

/**
 * The path from the top area to `code` through its parents (programmatic focus, e.g. the wall's rotation).
 * A code outside the top area's tree leaves the state as it is.
 */
export function drillToArea(state: DrillState, code: string, areas: AreaLookup): DrillState {
  const root = state.path[0]!;
  const chain: DrillStep[] = [];
  for (let a = areas.get(code); a; a = a.parent ? areas.get(a.parent) : undefined) {
    chain.unshift({ kind: 'area', code: a.code, level: a.level });
    if (root.kind === 'area' && a.code === root.code) return { path: chain };
  }
  return state;
}

export interface BreadcrumbItem {
  depth: number;
  key: string;
  label: string;
}

/** The breadcrumb, top first, labelled by `nameOf` (building steps by their own name). */
export function breadcrumb(state: DrillState, nameOf: (code: string) => string): BreadcrumbItem[] {
  return state.path.map((s, depth) =>
    s.kind === 'area' ? { depth, key: s.code, label: nameOf(s.code) } : { depth, key: s.id, label: s.name },
  );
}
