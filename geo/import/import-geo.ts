import type { AreaLevel } from '../../protocol';
import { parseDistrict, DistrictFormatError } from '../district';
import type { Area, District } from '../district.types';
import { geometryBBox } from '../geometry';
import { refuseProjected, toWgs84 } from './crs';
import { checkGeometry } from './geometry-check';
import { buildHierarchy, type Item } from './hierarchy';
import type { ImportOptions, ImportProblem, ImportProgress, ImportReport, ImportResult } from './import.types';
import { fieldValue, readInput, type RawFeature } from './read-input';
import { makeShape } from './spatial';
import { findGap, findOverlaps, unionOf } from './topology-check';

const LEVEL_ORDER: Record<AreaLevel, number> = { district: 0, street: 1, community: 2, grid: 3 };
/** Default overlap/gap tolerance: 0.5 % of the area, above the slivers generalised boundaries leave. */
export const DEFAULT_TOLERANCE = 0.005;

function featureIdOf(f: RawFeature, options: ImportOptions): string {
  return fieldValue(f, options.idField) ?? fieldValue(f, options.codeField) ?? fieldValue(f, '@id') ?? `#${f.index}`;
}

function toArea(it: Item): Area {
  const area: Area = { code: it.code, level: it.level, name: it.name, geometry: it.geometry, center: it.point };
  if (it.nameEn) area.nameEn = it.nameEn;
  if (it.parent) area.parent = it.parent.code;
  return area;
}

/**
 * Imports the geography of a GeoJSON or TopoJSON file as a district package (DESIGN §3.1): checks every
 * feature, converts GCJ-02/BD-09 to WGS84, works out levels, parents and codes, and checks that siblings
 * neither overlap nor leave gaps in their parent. The district is undefined when errors were found and
 * `options.force` is not set; the report lists every problem either way.
 * @throws ImportError when the input cannot be imported at all (not GeoJSON/TopoJSON, projected coordinates,
 * no usable feature, options that cannot work).
 */
export function importGeography(
  input: string | Uint8Array,
  options: ImportOptions = {},
  progress?: ImportProgress,
): ImportResult {
  const crs = options.crs ?? 'wgs84';
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const problems: ImportProblem[] = [];
  const notes: string[] = [];
  const report = (p: ImportProblem): void => void problems.push(p);

  const raw = readInput(input, options.object);
  progress?.('read', raw.length, raw.length);
  const describe = (f: RawFeature): string => {
    const id = featureIdOf(f, options);
    return id === `#${f.index}` ? id : `${id} (#${f.index})`;
  };
  refuseProjected(raw, describe);

  const convert = toWgs84(crs);
  const items: Item[] = [];
  raw.forEach((f, k) => {
    const featureId = featureIdOf(f, options);
    const checked = checkGeometry(featureId, f.geometry, convert);
    problems.push(...checked.problems);
    progress?.('geometry', k + 1, raw.length);
    if (!checked.geometry) return;
    const sourceCode = fieldValue(f, options.codeField);
    let name = fieldValue(f, options.nameField ?? 'name');
    if (name === undefined) {
      name = sourceCode ?? featureId;
      report({
        featureId,
        severity: 'warning',
        kind: 'name',
        message: `has no name in field "${options.nameField ?? 'name'}"; named "${name}"`,
        hint: 'pass --name-field naming the property that holds the Chinese name',
      });
    }
    items.push({
      ...makeShape(checked.geometry),
      featureId,
      name,
      nameEn: fieldValue(f, options.nameEnField),
      sourceCode,
      parentRef: fieldValue(f, options.parentField),
      levelValue: fieldValue(f, options.levelField),
      rank: 0,
      level: 'grid',
      code: '',
    });
  });

  checkDuplicateCodes(items, options, report);
  const h = buildHierarchy(items, options, report, (n) => void notes.push(n));
  progress?.('hierarchy', items.length, items.length);

  if (h.syntheticTop) {
    const outline = unionOf(h.items.filter((it) => it.parent === h.top).map((it) => it.geometry));
    // When the clipper fails on the input (it is then invalid anyway), the parts themselves make the outline.
    h.top.geometry = outline ?? {
      type: 'MultiPolygon',
      coordinates: h.items
        .filter((it) => it.parent === h.top)
        .flatMap((it) => (it.geometry.type === 'Polygon' ? [it.geometry.coordinates] : it.geometry.coordinates)),
    };
    Object.assign(h.top, makeShape(h.top.geometry));
    notes.push(
      `top area ${h.top.code} "${h.top.name}" is synthetic: the ${outline ? 'union' : 'collected parts'} of the ${h.items.filter((it) => it.parent === h.top).length} outermost imported areas`,
    );
  }

  const families = new Map<Item, Item[]>();
  for (const it of h.items) families.set(it.parent!, [...(families.get(it.parent!) ?? []), it]);
  let done = 0;
  for (const [parent, children] of families) {
    problems.push(...findOverlaps(children, tolerance, () => progress?.('topology', ++done, h.items.length)));
    if (parent === h.top && h.syntheticTop) continue;
    const gap = findGap(parent, children, tolerance);
    if (gap) problems.push(gap);
  }

  const areas = [h.top, ...h.items]
    .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.code.localeCompare(b.code))
    .map(toArea);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const byLevel: Record<AreaLevel, number> = { district: 0, street: 0, community: 0, grid: 0 };
  for (const a of areas) byLevel[a.level]++;
  const result: ImportReport = {
    stats: {
      features: raw.length,
      imported: areas.length - (h.syntheticTop ? 1 : 0),
      skipped: raw.length - items.length,
      byLevel,
      errors,
      warnings: problems.length - errors,
      crs,
      codes: h.codes,
      levels: h.levels,
      syntheticTop: h.syntheticTop,
    },
    notes,
    problems,
    areas: [h.top, ...h.items].map((it) => ({
      featureId: it.featureId,
      code: it.code,
      level: it.level,
      name: it.name,
      ...(it.sourceCode ? { sourceCode: it.sourceCode } : {}),
    })),
  };
  if (errors > 0 && !options.force) return { report: result };

  const bboxes = areas.map((a) => geometryBBox(a.geometry));
  const district: District = {
    version: 1,
    code: h.top.code,
    name: h.top.name,
    ...(h.top.nameEn ? { nameEn: h.top.nameEn } : {}),
    bbox: [
      Math.min(...bboxes.map((b) => b[0])),
      Math.min(...bboxes.map((b) => b[1])),
      Math.max(...bboxes.map((b) => b[2])),
      Math.max(...bboxes.map((b) => b[3])),
    ],
    center: h.top.point,
    areas,
    buildings: [],
    roads: [],
    pois: [],
    water: [],
  };
  try {
    return { district: parseDistrict(district), report: result };
  } catch (err) {
    if (!(err instanceof DistrictFormatError)) throw err;
    for (const issue of err.issues)
      problems.push({
        featureId: '@package',
        severity: 'error',
        kind: 'code',
        message: `the package is not valid: ${issue}`,
        hint: 'fix the problems above; --force cannot import this one',
      });
    result.stats.errors = problems.filter((p) => p.severity === 'error').length;
    return { report: result };
  }
}

/** Duplicate source codes are errors when codes come from the input; with --force the later ones are left out. */
function checkDuplicateCodes(items: Item[], options: ImportOptions, report: (p: ImportProblem) => void): void {
  if (!options.codeField) return;
  const seen = new Map<string, Item>();
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    if (!it.sourceCode) continue;
    const first = seen.get(it.sourceCode);
    if (!first) {
      seen.set(it.sourceCode, it);
      continue;
    }
    report({
      featureId: it.featureId,
      severity: 'error',
      kind: 'duplicate-code',
      message: `code ${it.sourceCode} (field "${options.codeField}") is also the code of ${first.featureId === it.featureId ? `an earlier feature` : first.featureId} (${first.name})`,
      hint: 'give every area its own code (or merge the two features); with --force the later one is left out',
    });
    items.splice(k--, 1);
  }
}
