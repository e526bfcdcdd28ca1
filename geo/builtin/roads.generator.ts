import type { Position, Road, RoadClass, Water } from '../district.types';
import { type Cut, type Layout, MID_ROW, NX, NY, RIVER_ROW } from './layout.generator';
import { metresPerDegree, round6 } from './lattice';
import { ARTERIALS, COMMUNITIES, LOCAL_ROADS, type Name, RIVER } from './names';

interface Segment {
  axis: Cut['axis'];
  at: number;
  from: number;
  to: number;
  cls: RoadClass;
  name: Name;
}

/** Arterials along community borders and the street edge (lattice lines, so buildings keep clear of them). */
const ARTERIAL_SEGMENTS: readonly Segment[] = [
  { axis: 'row', at: MID_ROW, from: 0, to: NX, cls: 'primary', name: ARTERIALS.wenyiWest },
  { axis: 'column', at: 14, from: 0, to: NY, cls: 'primary', name: ARTERIALS.gudun },
  { axis: 'row', at: NY, from: 0, to: NX, cls: 'secondary', name: ARTERIALS.yuhangtang },
  { axis: 'row', at: 0, from: 0, to: NX, cls: 'secondary', name: ARTERIALS.wenerWest },
  { axis: 'column', at: 0, from: 0, to: NY, cls: 'secondary', name: ARTERIALS.zijingang },
  { axis: 'column', at: NX, from: 0, to: NY, cls: 'secondary', name: ARTERIALS.fengtan },
  { axis: 'column', at: 7, from: MID_ROW, to: NY, cls: 'secondary', name: ARTERIALS.huajiang },
  { axis: 'column', at: 21, from: MID_ROW, to: NY, cls: 'secondary', name: ARTERIALS.jingzhou },
  { axis: 'column', at: 6, from: 0, to: MID_ROW, cls: 'secondary', name: ARTERIALS.lianhua },
  { axis: 'column', at: 20, from: 0, to: MID_ROW, cls: 'secondary', name: ARTERIALS.zijinghua },
];

function shortEn(community: number): string {
  return (COMMUNITIES[community]?.en ?? '').replace(/ Community$/, '');
}

/** Runs of a cut's lattice edges that border the street (a cut may reach into a corner notch). */
function cutRuns(layout: Layout, cut: Cut): [number, number][] {
  const runs: [number, number][] = [];
  let start: number | undefined;
  for (let k = cut.from; k < cut.to; k++) {
    const keep =
      cut.axis === 'column'
        ? layout.inStreet(cut.at - 1, k) || layout.inStreet(cut.at, k)
        : layout.inStreet(k, cut.at - 1) || layout.inStreet(k, cut.at);
    if (keep && start === undefined) start = k;
    if (!keep && start !== undefined) {
      runs.push([start, k]);
      start = undefined;
    }
  }
  if (start !== undefined) runs.push([start, cut.to]);
  return runs;
}

/**
 * The road network: arterials on fixed lattice lines, then local roads along the first cuts that split each
 * community into grids (tertiary for the first cut, residential lanes below). The river's lattice row carries
 * no road: its banks are water.
 */
export function buildRoads(layout: Layout, rng: () => number): Road[] {
  const segments: Segment[] = [...ARTERIAL_SEGMENTS];
  let named = 0;
  const lanesPerCommunity = new Map<number, number>();
  for (const cut of layout.cuts) {
    if (cut.axis === 'row' && cut.at === RIVER_ROW) continue;
    if (cut.depth >= 2 && rng() < 0.6) continue;
    const cls: RoadClass = cut.depth === 0 ? 'tertiary' : 'residential';
    for (const [from, to] of cutRuns(layout, cut)) {
      const probe = cut.axis === 'column' ? { c: cut.at, r: from } : { c: from, r: cut.at };
      const community = layout.communityOfCell.get(layout.lattice.cellKey(probe)) ?? 0;
      let name: Name;
      if (cut.depth <= 1 && named < LOCAL_ROADS.length) name = LOCAL_ROADS[named++] as Name;
      else {
        const n = (lanesPerCommunity.get(community) ?? 0) + 1;
        lanesPerCommunity.set(community, n);
        name = { zh: `${COMMUNITIES[community]?.short ?? ''}${n}号支路`, en: `${shortEn(community)} Lane ${n}` };
      }
      segments.push({ axis: cut.axis, at: cut.at, from, to, cls, name });
    }
  }
  return segments.map((s, k) => ({
    id: `r${String(k + 1).padStart(3, '0')}`,
    name: s.name.zh,
    nameEn: s.name.en,
    class: s.cls,
    line: s.axis === 'row' ? layout.lattice.rowLine(s.at, s.from, s.to) : layout.lattice.columnLine(s.at, s.from, s.to),
  }));
}

/**
 * The river: a 28 m wide band along the river's lattice row, reaching a little past the street on both sides
 * (rivers do not stop at administrative borders).
 */
export function buildRiver(layout: Layout): Water {
  const line = layout.lattice.rowLine(RIVER_ROW, 0, NX);
  const first = line[0] as Position;
  const second = line[1] as Position;
  const last = line[line.length - 1] as Position;
  const beforeLast = line[line.length - 2] as Position;
  const extend = (a: Position, b: Position): Position => [a[0] + (a[0] - b[0]) * 1.5, a[1] + (a[1] - b[1]) * 1.5];
  const centre = [extend(first, second), ...line, extend(last, beforeLast)];
  const half = 14 / metresPerDegree(first[1]).y;
  const south = centre.map(([x, y]): Position => [round6(x), round6(y - half)]);
  const north = centre.map(([x, y]): Position => [round6(x), round6(y + half)]).reverse();
  const ring = [...south, ...north, south[0] as Position];
  return { id: 'w1', name: RIVER.zh, nameEn: RIVER.en, geometry: { type: 'Polygon', coordinates: [ring] } };
}
