import { z } from 'zod';
import { type AreaLevel, levelOfCode } from '../protocol';
import data from './data/builtin-district.json';
import type { Area, District } from './district.types';

const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const position = z.tuple([lon, lat]);
const ring = z
  .array(position)
  .min(4, 'a ring needs at least 4 positions')
  .refine((r) => {
    const a = r[0];
    const b = r[r.length - 1];
    return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
  }, 'ring is not closed (first and last positions differ)');
const polygon = z.array(ring).min(1, 'a polygon needs an outer ring');
const geometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: polygon }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon).min(1) }),
]);
const code = z.string().regex(/^\d+$/, 'code must be digits');
const name = z.string().min(1, 'name is empty');

const areaSchema = z.object({
  code,
  level: z.enum(['district', 'street', 'community', 'grid']),
  name,
  nameEn: z.string().optional(),
  parent: code.optional(),
  geometry,
  center: position,
});

const districtSchema = z
  .object({
    version: z.literal(1),
    code,
    name,
    nameEn: z.string().optional(),
    bbox: z.tuple([lon, lat, lon, lat]),
    center: position,
    areas: z.array(areaSchema).min(1, 'a district needs at least one area'),
    buildings: z.array(
      z.object({
        id: z.string().min(1),
        name,
        grid: code,
        use: z.enum(['residential', 'office', 'school', 'clinic', 'commercial', 'public']),
        floors: z.number().int().min(1).max(200),
        footprint: ring,
        center: position,
      }),
    ),
    roads: z.array(
      z.object({
        id: z.string().min(1),
        name: z.string(),
        nameEn: z.string().optional(),
        class: z.enum(['primary', 'secondary', 'tertiary', 'residential', 'path']),
        line: z.array(position).min(2, 'a road needs at least 2 positions'),
      }),
    ),
    pois: z.array(
      z.object({
        id: z.string().min(1),
        name,
        nameEn: z.string().optional(),
        kind: z.enum([
          'parking',
          'trash_station',
          'elderly_care',
          'school',
          'clinic',
          'community_office',
          'park',
          'market',
        ]),
        grid: code,
        position,
      }),
    ),
    water: z.array(z.object({ id: z.string().min(1), name, nameEn: z.string().optional(), geometry })),
    landuse: z
      .array(
        z.object({
          id: z.string().min(1),
          name,
          nameEn: z.string().optional(),
          kind: z.enum(['park', 'school']),
          geometry,
        }),
      )
      .optional(),
  })
  .superRefine((d, ctx) => {
    // Cross-references zod cannot express per field: codes, hierarchy and the grids things point to.
    const levels = new Map<string, AreaLevel>();
    d.areas.forEach((a, k) => {
      if (levels.has(a.code))
        ctx.addIssue({ code: 'custom', path: ['areas', k, 'code'], message: `duplicate area code ${a.code}` });
      levels.set(a.code, a.level);
      if (levelOfCode(a.code) !== a.level)
        ctx.addIssue({
          code: 'custom',
          path: ['areas', k, 'level'],
          message: `level ${a.level} does not match code ${a.code} (length ${a.code.length})`,
        });
    });
    d.areas.forEach((a, k) => {
      if (a.parent === undefined) return;
      if (!levels.has(a.parent))
        ctx.addIssue({
          code: 'custom',
          path: ['areas', k, 'parent'],
          message: `parent ${a.parent} is not an area of this district`,
        });
      else if (!a.code.startsWith(a.parent))
        ctx.addIssue({
          code: 'custom',
          path: ['areas', k, 'parent'],
          message: `parent ${a.parent} is not a prefix of ${a.code}`,
        });
    });
    if (!levels.has(d.code))
      ctx.addIssue({ code: 'custom', path: ['code'], message: `top area ${d.code} is not in areas` });
    const checkGrid = (grid: string, path: (string | number)[]): void => {
      if (levels.get(grid) !== 'grid')
        ctx.addIssue({ code: 'custom', path, message: `grid ${grid} is not a grid of this district` });
    };
    d.buildings.forEach((b, k) => checkGrid(b.grid, ['buildings', k, 'grid']));
    d.pois.forEach((p, k) => checkGrid(p.grid, ['pois', k, 'grid']));
    for (const key of ['buildings', 'roads', 'pois', 'water'] as const) {
      const seen = new Set<string>();
      d[key].forEach((item, k) => {
        if (seen.has(item.id))
          ctx.addIssue({ code: 'custom', path: [key, k, 'id'], message: `duplicate id ${item.id}` });
        seen.add(item.id);
      });
    }
  });

/** Thrown by {@link parseDistrict}; `issues` lists every problem as `path: message`. */
export class DistrictFormatError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    const shown = issues.slice(0, 10).join('\n  ');
    const more = issues.length > 10 ? `\n  … and ${issues.length - 10} more` : '';
    super(`invalid district package:\n  ${shown}${more}`);
    this.name = 'DistrictFormatError';
    this.issues = issues;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(root)';
}

/**
 * Validates an unknown value (parsed JSON) as a district package, including cross-references (unique codes,
 * levels by code length, parents as prefixes, grids that buildings and POIs point to).
 * @throws DistrictFormatError naming the path of each problem, e.g. `areas[3].geometry.coordinates[0]: ring is not closed`.
 */
export function parseDistrict(json: unknown): District {
  const result = districtSchema.safeParse(json);
  if (!result.success)
    throw new DistrictFormatError(result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`));
  return result.data as District;
}

let builtin: District | undefined;

/** The built-in district (geo/data/builtin-district.json), validated once and cached. Treat it as read-only. */
export function builtinDistrict(): District {
  builtin ??= parseDistrict(data);
  return builtin;
}

/** Areas of one level, in package order. */
export function areasByLevel(d: District, level: AreaLevel): Area[] {
  return d.areas.filter((a) => a.level === level);
}

/** Every area by its code. */
export function areaByCode(d: District): Map<string, Area> {
  return new Map(d.areas.map((a) => [a.code, a]));
}

/** Direct children of an area (areas whose parent is `code`), in package order. */
export function childrenOf(d: District, code: string): Area[] {
  return d.areas.filter((a) => a.parent === code);
}
