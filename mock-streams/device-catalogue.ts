import type { DeviceType } from '../protocol';
import type { Building, District, Poi, Position, Road } from '../geo/district.types';
import { geometryBBox, pointInGeometry, pointOnSurface } from '../geo/geometry';
import type { GridIndex } from '../geo/grid-index';
import type { Rng } from './prng';

/** A simulated device: where it is and what it belongs to. */
export interface DeviceSpec {
  id: string;
  type: DeviceType;
  /** 15-digit grid code of its location. */
  grid: string;
  lon: number;
  lat: number;
  /** Building id, for devices installed in or on a building. */
  building?: string;
  /** The household a meter or wearable belongs to. */
  household?: { elderly: boolean };
}

/** Share of each type in a device population (sums to 1): meters dominate, as in a real estate rollout. */
export const DEVICE_MIX: Readonly<Record<DeviceType, number>> = {
  water: 0.24,
  power: 0.24,
  parking: 0.14,
  smoke: 0.12,
  access: 0.07,
  camera: 0.07,
  bin: 0.06,
  wearable: 0.06,
};

const ID_PREFIX: Readonly<Record<DeviceType, string>> = {
  access: 'AC',
  parking: 'PK',
  water: 'WM',
  power: 'EM',
  bin: 'TB',
  smoke: 'SD',
  wearable: 'WB',
  camera: 'CM',
};

/** Share of households with an elderly resident living alone or as a couple (上海 ~ 1 in 5). */
const ELDERLY_SHARE = 0.2;
/** ~ 8 m in degrees at this latitude: how far kerbside devices sit from a road's centre line. */
const KERB_OFFSET = 0.00008;

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** How many devices of each type a population of `count` holds. */
export function deviceCounts(count: number): Record<DeviceType, number> {
  const types = Object.keys(DEVICE_MIX) as DeviceType[];
  const counts = {} as Record<DeviceType, number>;
  let assigned = 0;
  for (const type of types) {
    const n = count >= types.length ? Math.max(1, Math.floor(count * DEVICE_MIX[type])) : 0;
    counts[type] = n;
    assigned += n;
  }
  // The rounding remainder goes to the largest share.
  counts.water += count - assigned;
  return counts;
}

interface Household {
  building: Building;
  position: Position;
  elderly: boolean;
}

/**
 * Places `count` devices of all eight types in the district: meters and wearables in residential buildings,
 * parking at parking POIs and along lanes, bins at trash stations, access control at building entrances,
 * cameras along roads, smoke detectors in buildings.
 */
export function placeDevices(
  district: District,
  count: number,
  rng: Rng,
  index: Pick<GridIndex, 'gridAt'>,
): DeviceSpec[] {
  // An imported district may come with grids only: devices then stand at sites spread inside each grid.
  const buildings = district.buildings.length > 0 ? district.buildings : gridSites(district, rng);
  if (buildings.length === 0) throw new Error(`district ${district.code} has no grids to place devices in`);
  const counts = deviceCounts(count);
  const residential = buildings.filter((b) => b.use === 'residential');
  const homes = residential.length > 0 ? residential : buildings;
  const homeWeights = homes.map((b) => Math.max(1, b.floors));
  const allWeights = buildings.map((b) => Math.max(1, b.floors));
  const byKind = (kind: Poi['kind']): Poi[] => district.pois.filter((p) => p.kind === kind);
  const parkingLots = byKind('parking');
  const trashStations = byKind('trash_station');
  const careHomes = byKind('elderly_care');
  const roads = district.roads.filter((r) => r.line.length >= 2);
  const lanes = roads.filter((r) => r.class === 'residential' || r.class === 'tertiary' || r.class === 'path');

  const devices: DeviceSpec[] = [];
  const add = (type: DeviceType, p: Position, grid: string, extra?: Partial<DeviceSpec>): void => {
    const n = devices.length + 1;
    devices.push({
      id: `${ID_PREFIX[type]}${String(n).padStart(6, '0')}`,
      type,
      grid,
      lon: round6(p[0]),
      lat: round6(p[1]),
      ...extra,
    });
  };

  const households: Household[] = [];
  for (let i = 0; i < Math.max(counts.water, counts.power); i++) {
    const building = rng.weighted(homes, homeWeights);
    households.push({ building, position: inside(building, rng), elderly: rng.chance(ELDERLY_SHARE) });
  }
  // The absence rule needs at least one elderly household to watch.
  const firstHousehold = households[0];
  if (firstHousehold && !households.some((h) => h.elderly)) firstHousehold.elderly = true;

  for (let i = 0; i < counts.water; i++) {
    const h = households[i] as Household;
    add('water', h.position, h.building.grid, { building: h.building.id, household: { elderly: h.elderly } });
  }
  for (let i = 0; i < counts.power; i++) {
    const h = households[i] as Household;
    add('power', h.position, h.building.grid, { building: h.building.id, household: { elderly: h.elderly } });
  }

  const elderlyHomes = households.filter((h) => h.elderly);
  for (let i = 0; i < counts.wearable; i++) {
    const home = elderlyHomes[i];
    if (home) {
      add('wearable', home.position, home.building.grid, { building: home.building.id, household: { elderly: true } });
    } else if (careHomes.length > 0) {
      const care = rng.pick(careHomes);
      add('wearable', jitter(care.position, 0.0002, rng), care.grid, { household: { elderly: true } });
    } else {
      const b = rng.weighted(homes, homeWeights);
      add('wearable', inside(b, rng), b.grid, { building: b.id, household: { elderly: true } });
    }
  }

  for (let i = 0; i < counts.smoke; i++) {
    const b = rng.weighted(buildings, allWeights);
    add('smoke', inside(b, rng), b.grid, { building: b.id });
  }

  // Access control: one reader per entrance; large buildings get several, in building order so every
  // building has one before any gets a second.
  const entrances = [...buildings].sort((a, b) => b.floors - a.floors);
  for (let i = 0; i < counts.access; i++) {
    const b = entrances[i % entrances.length] as Building;
    add('access', entrance(b, Math.floor(i / entrances.length), rng), b.grid, { building: b.id });
  }

  for (let i = 0; i < counts.bin; i++) {
    if (trashStations.length > 0) {
      const station = trashStations[i % trashStations.length] as Poi;
      add('bin', jitter(station.position, 0.00003, rng), station.grid);
    } else {
      const b = rng.weighted(homes, homeWeights);
      add('bin', entrance(b, 1, rng), b.grid, { building: b.id });
    }
  }

  for (let i = 0; i < counts.parking; i++) {
    const lot = parkingLots.length > 0 && (lanes.length === 0 || rng.chance(0.6)) ? rng.pick(parkingLots) : undefined;
    if (lot) add('parking', jitter(lot.position, 0.0003, rng), lot.grid);
    else addAlongRoad('parking', lanes.length > 0 ? lanes : roads);
  }

  for (let i = 0; i < counts.camera; i++) addAlongRoad('camera', roads);

  function addAlongRoad(type: DeviceType, pool: readonly Road[]): void {
    for (let attempt = 0; attempt < 12 && pool.length > 0; attempt++) {
      const p = alongRoad(pool, rng);
      const grid = index.gridAt(p[0], p[1]);
      if (grid) {
        add(type, p, grid);
        return;
      }
    }
    // A road outside every grid (or no roads): fall back to a building frontage.
    const b = rng.pick(buildings);
    add(type, entrance(b, 2, rng), b.grid, { building: b.id });
  }

  return devices;
}

/** Stand-in sites per grid when a district has no buildings. */
const SITES_PER_GRID = 4;

/**
 * Stand-in "buildings" for a district without any: a few points inside each grid (random points of the grid's
 * bounding box that fall inside it, else its point on surface), so meters, detectors and readers have homes.
 * They have no footprint, so devices sit at (or just around) the site.
 */
function gridSites(district: District, rng: Rng): Building[] {
  const sites: Building[] = [];
  for (const area of district.areas) {
    if (area.level !== 'grid') continue;
    const [w, s, e, n] = geometryBBox(area.geometry);
    for (let k = 0; k < SITES_PER_GRID; k++) {
      let site: Position | undefined;
      for (let attempt = 0; attempt < 20 && !site; attempt++) {
        const p: Position = [rng.range(w, e), rng.range(s, n)];
        if (pointInGeometry(p, area.geometry)) site = p;
      }
      sites.push({
        id: `${area.code}-S${k + 1}`,
        name: area.name,
        grid: area.code,
        use: 'residential',
        floors: 1,
        footprint: [],
        center: site ?? pointOnSurface(area.geometry),
      });
    }
  }
  return sites;
}

/** A point inside the middle of a building footprint's bounding box. */
function inside(b: Building, rng: Rng): Position {
  let w = Infinity;
  let e = -Infinity;
  let s = Infinity;
  let n = -Infinity;
  for (const [x, y] of b.footprint) {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  if (!Number.isFinite(w)) return b.center;
  return [b.center[0] + (e - w) * rng.range(-0.25, 0.25), b.center[1] + (n - s) * rng.range(-0.25, 0.25)];
}

/** The middle of one footprint edge: where a door is. */
function entrance(b: Building, which: number, rng: Rng): Position {
  const ring = b.footprint;
  const edges = ring.length - 1;
  if (edges < 1) return jitter(b.center, 0.00005, rng);
  const i = which % edges;
  const a = ring[i] as Position;
  const c = ring[i + 1] as Position;
  return [(a[0] + c[0]) / 2, (a[1] + c[1]) / 2];
}

function jitter(p: Position, r: number, rng: Rng): Position {
  return [p[0] + rng.range(-r, r), p[1] + rng.range(-r, r)];
}

/** A random point along a road (weighted by segment length), set back to the kerb. */
function alongRoad(roads: readonly Road[], rng: Rng): Position {
  const road = rng.weighted(roads, roads.map(lineLength));
  const segs = road.line.length - 1;
  const lengths: number[] = [];
  for (let i = 0; i < segs; i++)
    lengths.push(Math.max(1e-12, dist(road.line[i] as Position, road.line[i + 1] as Position)));
  const i = rng.weighted(
    lengths.map((_, k) => k),
    lengths,
  );
  const a = road.line[i] as Position;
  const b = road.line[i + 1] as Position;
  const f = rng.float();
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy) || 1;
  const side = rng.chance(0.5) ? 1 : -1;
  return [a[0] + dx * f - (dy / len) * KERB_OFFSET * side, a[1] + dy * f + (dx / len) * KERB_OFFSET * side];
}

function lineLength(r: Road): number {
  let sum = 0;
  for (let i = 0; i + 1 < r.line.length; i++) sum += dist(r.line[i] as Position, r.line[i + 1] as Position);
  return sum || 1e-9;
}

function dist(a: Position, b: Position): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}
