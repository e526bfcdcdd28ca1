import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { AreaLevel } from '../../../protocol';
import { ADMIN_CODE } from '../../../geo/import/codes';
import { DEFAULT_TOLERANCE, importGeography } from '../../../geo/import/import-geo';
import {
  ImportError,
  type ImportOptions,
  type ImportPhase,
  type ImportProblem,
  type InputCrs,
} from '../../../geo/import/import.types';
import { CliError, EXIT, parseCommandArgs, progressBar, type Command } from '../cli-kit';

const LEVELS: readonly AreaLevel[] = ['district', 'street', 'community', 'grid'];
const CRS: readonly InputCrs[] = ['wgs84', 'gcj02', 'bd09'];

const help = `
Usage: gridpulse import-geo <file> --out <dir> [options]

Imports your own geography (GeoJSON or TopoJSON) as a district package: <dir>/district.json, which the server
loads with GEO=<dir>, and <dir>/import-report.json (every problem found, the statistics and where each area
came from). Zipped shapefiles are not supported: convert them first, e.g.
  ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson /vsizip/in.zip

Mapping (field names are property names; @id means the feature's top-level "id"):
  --code-field <f>     area code: GB/T 2260 adcode or a 9/12/15-digit code (DESIGN §3.1). Codes whose length
                       fits each area's level are kept; otherwise 15-digit-rule codes are generated (numbered
                       west→east, north→south inside each parent) and the source codes kept in the report
  --name-field <f>     Chinese name (default: name)
  --name-en-field <f>  English name
  --parent-field <f>   parent's code or id (default: parents by containment, or by code prefix)
  --level <l>          level of every feature: district|street|community|grid. A single-level file is
                       imported as grids under a synthetic top area drawn as their outline (the server
                       locates events in grids)
  --level-field <f>    property holding each feature's level (district|street|community|grid or 区|街道|社区|网格)
                       Without --level/--level-field, levels come from code lengths, else from how the areas nest.
  --id-field <f>       name features in the report by this property (default: the code field, then @id, then #index)
  --admin-code <code>  6-digit GB/T 2260 code that generated codes start with (default: derived from the codes)
  --top-name <name>    name of the synthetic top area (default: the file name)
  --object <name>      TopoJSON object to import (default: all of them)

Coordinates:
  --crs <crs>          wgs84 (default) | gcj02 (AMap, Tencent, most Chinese web maps) | bd09 (Baidu);
                       converted to WGS84. Projected coordinates (metres) are refused: reproject to WGS84 first.

Checks and output:
  --out <dir>          where to write district.json and import-report.json (required)
  --tolerance <share>  overlap and gap tolerance as a share of the area (default ${DEFAULT_TOLERANCE})
  --force              import despite errors: unusable features are left out, the rest kept as it is
  --overwrite          replace an existing <dir>/district.json

Problems: errors (invalid or self-intersecting geometry, overlapping siblings, gaps in a parent, duplicate
codes, areas with no parent) stop the import unless --force; warnings (holes, missing names) are printed.

Exit codes: 0 imported; 1 could not read or write a file; 2 usage error; 3 the input has errors (nothing written
but the report) or cannot be imported.

Example (a city's districts from an AMap-derived file, as grids of one synthetic top area):
  gridpulse import-geo shenzhen.geojson --out geo-sz --code-field @id --crs gcj02 --top-name 深圳市
  GEO=geo-sz npm start
`;

const options = {
  out: { type: 'string' },
  'code-field': { type: 'string' },
  'name-field': { type: 'string' },
  'name-en-field': { type: 'string' },
  'parent-field': { type: 'string' },
  'level-field': { type: 'string' },
  level: { type: 'string' },
  'id-field': { type: 'string' },
  'admin-code': { type: 'string' },
  'top-name': { type: 'string' },
  object: { type: 'string' },
  crs: { type: 'string' },
  tolerance: { type: 'string' },
  force: { type: 'boolean' },
  overwrite: { type: 'boolean' },
} as const;

function usageError(message: string): CliError {
  return new CliError(`import-geo: ${message}\nRun \`gridpulse import-geo --help\` for usage.`, EXIT.usage);
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], option: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw usageError(`${option} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function formatProblem(p: ImportProblem): string {
  return `  ${p.severity === 'error' ? 'error  ' : 'warning'} ${p.featureId}: ${p.message}\n          → ${p.hint}`;
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(command, argv, options);
  if (!parsed) return EXIT.ok;
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1)
    throw usageError(positionals.length === 0 ? 'missing <file>' : `one <file> only, got ${positionals.length}`);
  if (!v.out) throw usageError('missing --out <dir>');
  if (v.level !== undefined && v['level-field'] !== undefined)
    throw usageError('--level and --level-field exclude each other');
  if (v['admin-code'] !== undefined && !ADMIN_CODE.test(v['admin-code']))
    throw usageError(`--admin-code must be 6 digits, got "${v['admin-code']}"`);
  const tolerance = v.tolerance === undefined ? undefined : Number(v.tolerance);
  if (tolerance !== undefined && !(tolerance >= 0 && tolerance < 1))
    throw usageError(`--tolerance must be a share in [0, 1), got "${v.tolerance}"`);
  const file = positionals[0] as string;
  const opts: ImportOptions = {
    codeField: v['code-field'],
    nameField: v['name-field'],
    nameEnField: v['name-en-field'],
    parentField: v['parent-field'],
    levelField: v['level-field'],
    level: oneOf(v.level, LEVELS, '--level'),
    idField: v['id-field'],
    adminCode: v['admin-code'],
    topName: v['top-name'] ?? basename(file, extname(file)),
    object: v.object,
    crs: oneOf(v.crs, CRS, '--crs'),
    tolerance,
    force: v.force ?? false,
  };

  const packageFile = join(v.out, 'district.json');
  if (existsSync(packageFile) && !v.overwrite)
    throw usageError(`${packageFile} exists; pass --overwrite to replace it`);
  let input: Buffer;
  try {
    input = readFileSync(file);
  } catch (err) {
    throw new CliError(`import-geo: cannot read ${file}: ${(err as Error).message}`, EXIT.failed);
  }

  let bar: ReturnType<typeof progressBar> | undefined;
  let phase: ImportPhase | undefined;
  const progress = (p: ImportPhase, done: number, total: number): void => {
    // Per-feature bars only pay off on large files; small ones finish before a bar is readable.
    if (total < 200 || p === 'read' || p === 'hierarchy') return;
    if (p !== phase) {
      bar?.stop();
      bar = progressBar(p === 'geometry' ? 'checking geometry' : 'checking overlaps', total);
      phase = p;
    }
    bar?.update(done);
  };
  let result;
  try {
    result = importGeography(input, opts, progress);
  } catch (err) {
    bar?.stop();
    if (err instanceof ImportError)
      throw new CliError(
        `import-geo: ${file}: ${err.message}\n  → ${err.hint}`,
        err.reason === 'options' ? EXIT.usage : EXIT.badInput,
      );
    throw err;
  }
  bar?.stop();

  const { district, report } = result;
  try {
    mkdirSync(v.out, { recursive: true });
    writeFileSync(join(v.out, 'import-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    if (district) writeFileSync(packageFile, `${JSON.stringify(district)}\n`);
  } catch (err) {
    throw new CliError(`import-geo: cannot write to ${v.out}: ${(err as Error).message}`, EXIT.failed);
  }
  for (const note of report.notes) process.stderr.write(`note: ${note}\n`);
  if (report.problems.length > 0) process.stderr.write(`${report.problems.map(formatProblem).join('\n')}\n`);
  const { stats } = report;
  const counts = Object.entries(stats.byLevel)
    .filter(([, n]) => n > 0)
    .map(([l, n]) => `${n} ${l}`)
    .join(', ');
  if (!district) {
    process.stderr.write(
      `import-geo: ${stats.errors} error(s), ${stats.warnings} warning(s); nothing imported (report: ${join(v.out, 'import-report.json')}). Fix the input, or pass --force.\n`,
    );
    return EXIT.badInput;
  }
  process.stdout.write(
    `imported ${counts} from ${file} (${stats.crs}${stats.crs === 'wgs84' ? '' : ' → wgs84'}, ${stats.errors} error(s)${stats.errors ? ' forced' : ''}, ${stats.warnings} warning(s)) into ${packageFile}\n` +
      `run the server on it: GEO=${v.out} npm start\n`,
  );
  return EXIT.ok;
}

export const command: Command = {
  name: 'import-geo',
  summary: 'import your own geography (GeoJSON/TopoJSON) as a district package',
  help,
  run,
};
