import type { Building, District, LandUse, Poi, PoiKind, Position, Road, Water } from '../district.types';
import { geometryBBox } from '../geometry';
import { type BuildingDraft, type CellKind, buildingsInCell, ellipse } from './buildings.generator';
import { type Cell, createRng, round6 } from './lattice';
import { buildLayout, type Layout } from './layout.generator';
import { COMMUNITIES, type Name, PARKS, SCHOOLS, STREET } from './names';
import { buildRiver, buildRoads } from './roads.generator';

/** Seed of the committed built-in district (geo/data/builtin-district.json). */
export const BUILTIN_SEED = 20_240_607;

const PARK_CELLS: readonly Cell[][] = [
  [
    { c: 9, r: 14 },
    { c: 10, r: 14 },
    { c: 9, r: 15 },
    { c: 10, r: 15 },
  ],
  [
    { c: 15, r: 17 },
    { c: 16, r: 17 },
    { c: 17, r: 17 },
  ],
  [
    { c: 10, r: 5 },
    { c: 11, r: 5 },
  ],
];
const SCHOOL_CELLS: readonly Cell[][] = [
  [
    { c: 2, r: 8 },
    { c: 3, r: 8 },
  ],
  [
    { c: 22, r: 14 },
    { c: 23, r: 14 },
  ],
  [{ c: 16, r: 3 }],
];
/** Older communities are walk-up slabs; the others were built in the 2000s with towers. */
const OLD_COMMUNITIES = new Set([0, 1, 4, 5]);
const CLINICS: readonly [number, Name][] = [
  [0, { zh: '翠苑一区社区卫生服务站', en: 'Cuiyuan Yiqu Health Station' }],
  [3, { zh: '嘉绿苑社区卫生服务站', en: 'Jialüyuan Health Station' }],
  [6, { zh: '文澜街道社区卫生服务中心', en: 'Wenlan Community Health Centre' }],
];
const MARKETS: readonly [number, Name][] = [
  [1, { zh: '翠苑农贸市场', en: 'Cuiyuan Farmers Market' }],
  [5, { zh: '古荡农贸市场', en: 'Gudang Farmers Market' }],
  [7, { zh: '竞舟菜市场', en: 'Jingzhou Food Market' }],
];

interface Drafts {
  buildings: (BuildingDraft & { community: number; name?: Name; poi?: PoiKind })[];
}

function cellKinds(layout: Layout, rng: () => number): Map<number, CellKind> {
  const kinds = new Map<number, CellKind>();
  for (const cells of PARK_CELLS) for (const cell of cells) kinds.set(layout.lattice.cellKey(cell), 'park');
  for (const cells of SCHOOL_CELLS) for (const cell of cells) kinds.set(layout.lattice.cellKey(cell), 'school');
  for (let r = 0; r < layout.lattice.ny; r++) {
    for (let c = 0; c < layout.lattice.nx; c++) {
      const key = layout.lattice.cellKey({ c, r });
      if (!layout.inStreet(c, r) || kinds.has(key)) continue;
      const community = layout.communityOfCell.get(key) ?? 0;
      const onArterial = r === 11 || r === 12 || c === 13 || c === 14;
      const x = rng();
      let kind: CellKind;
      if (onArterial && x < 0.3) kind = 'office';
      else if (onArterial && x < 0.5) kind = 'commercial';
      else if (x > 0.95) kind = 'green';
      else if (OLD_COMMUNITIES.has(community)) kind = rng() < 0.85 ? 'old' : 'tower';
      else kind = rng() < 0.8 ? 'tower' : 'old';
      kinds.set(key, kind);
    }
  }
  return kinds;
}

function shortEn(community: number): string {
  return (COMMUNITIES[community]?.en ?? '').replace(/ Community$/, '');
}

/** Turns one residential building of the community (nearest to `near`, outside `skip` cells) into a facility. */
function convert(
  drafts: Drafts,
  community: number,
  near: Position,
  change: { use: Building['use']; floors: number; name: Name; poi: PoiKind },
): void {
  let best: Drafts['buildings'][number] | undefined;
  let bestD = Infinity;
  for (const b of drafts.buildings) {
    if (b.community !== community || b.use !== 'residential' || b.poi) continue;
    const d = (b.center[0] - near[0]) ** 2 + (b.center[1] - near[1]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = b;
    }
  }
  if (!best) throw new Error(`no building to host ${change.name.zh}`);
  Object.assign(best, { use: change.use, floors: change.floors, name: change.name, poi: change.poi });
}

/** The built-in district: a synthetic street in Hangzhou's 西湖区, fully determined by `seed`. */
export function generateBuiltinDistrict(seed: number = BUILTIN_SEED): District {
  const rng = createRng(seed);
  const layout = buildLayout(rng);
  const { lattice } = layout;
  const kinds = cellKinds(layout, rng);
  const drafts: Drafts = { buildings: [] };
  for (let r = lattice.ny - 1; r >= 0; r--) {
    for (let c = 0; c < lattice.nx; c++) {
      const kind = kinds.get(lattice.cellKey({ c, r }));
      if (!kind) continue;
      const community = layout.communityOfCell.get(lattice.cellKey({ c, r })) ?? 0;
      for (const b of buildingsInCell(lattice, { c, r }, kind, rng)) drafts.buildings.push({ ...b, community });
    }
  }

  const communities = layout.areas.filter((a) => a.level === 'community');
  communities.forEach((area, idx) => {
    const info = COMMUNITIES[idx] as (typeof COMMUNITIES)[number];
    convert(drafts, idx, area.center, {
      use: 'public',
      floors: 4,
      name: { zh: `${info.zh}居委会`, en: `${shortEn(idx)} Residents' Committee` },
      poi: 'community_office',
    });
    const [w, s, e, n] = geometryBBox(area.geometry);
    convert(drafts, idx, [w + (e - w) * rng(), s + (n - s) * rng()], {
      use: 'public',
      floors: 4,
      name: { zh: `${info.short}居家养老服务照料中心`, en: `${shortEn(idx)} Elderly Day Care Centre` },
      poi: 'elderly_care',
    });
  });
  for (const [idx, name] of CLINICS) {
    convert(drafts, idx, (communities[idx] as (typeof communities)[number]).center, {
      use: 'clinic',
      floors: 5,
      name,
      poi: 'clinic',
    });
  }
  for (const [idx, name] of MARKETS) {
    const area = communities[idx] as (typeof communities)[number];
    convert(drafts, idx, [area.center[0], area.center[1] - 0.002], {
      use: 'commercial',
      floors: 4,
      name,
      poi: 'market',
    });
  }
  SCHOOL_CELLS.forEach((cells, k) => {
    const key = lattice.cellKey(cells[0] as Cell);
    const b = drafts.buildings.find((d) => d.use === 'school' && lattice.cellKey(d.cell) === key);
    if (b) Object.assign(b, { name: SCHOOLS[k], poi: 'school' });
  });

  const gridOf = (cell: Cell): string => {
    const grid = layout.gridOfCell.get(lattice.cellKey(cell));
    if (!grid) throw new Error(`cell ${cell.c},${cell.r} has no grid`);
    return grid;
  };
  const numbers = new Map<number, number>();
  const pois: Poi[] = [];
  const addPoi = (kind: PoiKind, name: Name, position: Position, cell: Cell): void => {
    const id = `p${String(pois.length + 1).padStart(3, '0')}`;
    pois.push({
      id,
      name: name.zh,
      nameEn: name.en,
      kind,
      grid: gridOf(cell),
      position: [round6(position[0]), round6(position[1])],
    });
  };
  const buildings: Building[] = drafts.buildings.map((d) => {
    const n = (numbers.get(d.community) ?? 0) + 1;
    numbers.set(d.community, n);
    if (d.poi && d.name) addPoi(d.poi, d.name, d.center, d.cell);
    const communityCode = STREET.code + String(d.community + 1).padStart(3, '0');
    return {
      id: `${communityCode}-${n}`,
      name: `${n}号楼`,
      grid: gridOf(d.cell),
      use: d.use,
      floors: d.floors,
      footprint: d.footprint,
      center: d.center,
    };
  });

  const landuse: LandUse[] = [];
  const water: Water[] = [buildRiver(layout)];
  const roads: Road[] = buildRoads(layout, rng);
  PARK_CELLS.forEach((cells, k) => {
    const park = PARKS[k] as (typeof PARKS)[number];
    const first = cells[0] as Cell;
    landuse.push({
      id: `lu${landuse.length + 1}`,
      name: park.zh,
      nameEn: park.en,
      kind: 'park',
      geometry: { type: 'Polygon', coordinates: [lattice.outline(cells)] },
    });
    addPoi('park', park, lattice.cellPoint(first, 0.3, 0.3), first);
    if (park.pond) {
      // The pond sits on the lattice vertex shared by the park's four cells.
      const centre = lattice.vertex(first.c + 1, first.r + 1);
      water.push({
        id: `w${water.length + 1}`,
        name: park.pond.zh,
        nameEn: park.pond.en,
        geometry: { type: 'Polygon', coordinates: [ellipse(centre, 58, 36, 0.3, 36)] },
      });
      roads.push({
        id: `r${String(roads.length + 1).padStart(3, '0')}`,
        name: `${park.zh}环湖步道`,
        nameEn: `${park.en} Lakeside Trail`,
        class: 'path',
        line: ellipse(centre, 78, 54, 0.3, 24),
      });
    }
  });
  SCHOOL_CELLS.forEach((cells, k) => {
    const school = SCHOOLS[k] as Name;
    landuse.push({
      id: `lu${landuse.length + 1}`,
      name: school.zh,
      nameEn: school.en,
      kind: 'school',
      geometry: { type: 'Polygon', coordinates: [lattice.outline(cells)] },
    });
  });

  const streetCells: Cell[] = [];
  for (let r = 0; r < lattice.ny; r++)
    for (let c = 0; c < lattice.nx; c++)
      if (layout.inStreet(c, r) && kinds.get(lattice.cellKey({ c, r })) !== 'park') streetCells.push({ c, r });
  communities.forEach((_area, idx) => {
    const info = COMMUNITIES[idx] as (typeof COMMUNITIES)[number];
    const own = streetCells.filter((cell) => layout.communityOfCell.get(lattice.cellKey(cell)) === idx);
    const pickCell = (): Cell => own[Math.floor(rng() * own.length)] as Cell;
    const parking = 2 + Math.floor(rng() * 2);
    for (let n = 1; n <= parking; n++) {
      const cell = pickCell();
      const name =
        n === 1
          ? { zh: `${info.short}地下停车库`, en: `${shortEn(idx)} Underground Car Park` }
          : { zh: `${info.short}${n - 1}号停车场`, en: `${shortEn(idx)} Car Park ${n - 1}` };
      addPoi('parking', name, lattice.cellPoint(cell, 0.5, 0.1), cell);
    }
    const trash = 3 + Math.floor(rng() * 2);
    for (let n = 1; n <= trash; n++) {
      const cell = pickCell();
      addPoi(
        'trash_station',
        { zh: `${info.short}${n}号垃圾分类投放点`, en: `${shortEn(idx)} Waste Sorting Point ${n}` },
        lattice.cellPoint(cell, 0.9, 0.5),
        cell,
      );
    }
  });

  const street = layout.areas[0];
  if (!street) throw new Error('layout has no street');
  const [w, s, e, n] = geometryBBox(street.geometry);
  return {
    version: 1,
    code: STREET.code,
    name: STREET.zh,
    nameEn: STREET.en,
    bbox: [w, s, e, n],
    center: street.center,
    areas: layout.areas,
    buildings,
    roads,
    pois,
    water,
    landuse,
  };
}
