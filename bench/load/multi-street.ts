import type { Area, District, Position } from '../../geo/district.types';

type Coords = number | Coords[];

/** Shifts every [lon, lat] pair inside nested coordinate arrays by `dx` degrees of longitude. */
function shift<T>(coords: T, dx: number): T {
  const c = coords as unknown as Coords;
  if (!Array.isArray(c)) return coords;
  if (c.length >= 2 && typeof c[0] === 'number' && typeof c[1] === 'number') return [(c[0] as number) + dx, ...c.slice(1)] as unknown as T;
  return c.map((x) => shift(x, dx)) as unknown as T;
}

function shiftGeometry<G extends { coordinates: unknown }>(g: G, dx: number): G {
  return { ...g, coordinates: shift(g.coordinates, dx) };
}

/**
 * A district of `streets` streets for the load benchmark of a multi-street cluster: copies of a one-street
 * district (the built-in one) side by side from west to east, each with its own street code
 * (<6-digit district code><007 + k>) and ids, under a district-level top area covering them all. Every copy keeps
 * the base's grids, buildings and points of interest, so the event mix and the screens plan work unchanged.
 */
export function multiStreetDistrict(base: District, streets: number): District {
  if (!Number.isInteger(streets) || streets < 2) throw new Error(`streets must be an integer ≥ 2, got ${streets}`);
  const top = base.areas.find((a) => a.code === base.code);
  if (!top || top.level !== 'street') throw new Error(`the base district ${base.code} must be one street (its top area is ${top?.level ?? 'missing'})`);
  const prefix = base.code.slice(0, 6);
  const width = base.bbox[2] - base.bbox[0];
  const areas: Area[] = [];
  const out: Omit<District, 'areas'> & { areas: Area[] } = { ...base, code: prefix, name: `${base.name}（${streets}街道）`, areas, buildings: [], roads: [], pois: [], water: [], landuse: [] };
  for (let k = 0; k < streets; k++) {
    const street = `${prefix}${String(7 + k).padStart(3, '0')}`;
    const dx = k * width * 1.02;
    const code = (c: string) => street + c.slice(base.code.length);
    const id = (s: string) => `s${k + 1}-${s}`;
    for (const a of base.areas) {
      areas.push({
        ...a,
        code: code(a.code),
        name: a.code === base.code ? `${a.name}${k + 1}` : a.name,
        parent: a.code === base.code ? prefix : code(a.parent!),
        geometry: shiftGeometry(a.geometry, dx),
        center: shift(a.center, dx),
      });
    }
    out.buildings.push(...base.buildings.map((b) => ({ ...b, id: id(b.id), grid: code(b.grid), footprint: shift(b.footprint, dx), center: shift(b.center, dx) })));
    out.roads.push(...base.roads.map((r) => ({ ...r, id: id(r.id), line: shift(r.line, dx) })));
    out.pois.push(...base.pois.map((p) => ({ ...p, id: id(p.id), grid: code(p.grid), position: shift(p.position, dx) })));
    out.water.push(...base.water.map((w) => ({ ...w, id: id(w.id), geometry: shiftGeometry(w.geometry, dx) })));
    out.landuse!.push(...(base.landuse ?? []).map((l) => ({ ...l, id: id(l.id), geometry: shiftGeometry(l.geometry, dx) })));
  }
  const east = base.bbox[2] + (streets - 1) * width * 1.02;
  out.bbox = [base.bbox[0], base.bbox[1], east, base.bbox[3]];
  out.center = [(base.bbox[0] + east) / 2, (base.bbox[1] + base.bbox[3]) / 2] as Position;
  const [w, s, e, n] = out.bbox;
  areas.unshift({
    code: prefix,
    level: 'district',
    name: out.name,
    geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
    center: out.center,
  });
  return out;
}
