import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { writeRecording } from '../../../mock-streams/recording';
import { CASE_CHANNELS, CASE_STATUSES, type CaseChannel, type CaseEvent, type CaseStatus } from '../../../protocol';
import { loadDistrict } from '../../district-loader';
import { knownCategory, parseMapping, readRows, relocate, rowToEvent, type Crs, type RowError } from '../case-import';
import { createTimeParser } from '../case-time';
import { CliError, EXIT, parseCommandArgs, progressBar, type Command } from '../cli-kit';

/** Bad rows listed one by one; past this only counted, so a wrong mapping does not flood the terminal. */
const MAX_LISTED = 200;

const help = `
Usage: gridpulse import-cases <file.csv|file.ndjson|file.geojson> --out <recording.ndjson.gz> --map <mapping> [options]

Turns a case export (工单导出) into a recording of case.updated events, sorted by event time, that
\`gridpulse replay\` pushes into a server. Every bad row is reported (row, column, reason); the rest is imported.

Input: CSV with a header row; NDJSON (one JSON object a line); a JSON array of objects; or a GeoJSON
FeatureCollection of points (columns: the properties, id, and lon/lat from the geometry).

Options:
  --out <file>             recording to write (required)
  --map <mapping>          field=column pairs, comma-separated (required):
                             time, category, and lon+lat (or grid) are required;
                             id, status, description, address, urgency, channel are optional
                           e.g. --map id=工单编号,time=受理时间,category=小类,lon=经度,lat=纬度,status=状态
  --date-format <fmt>      auto (default: ISO-8601, yyyy-MM-dd HH:mm:ss, yyyy/MM/dd HH:mm, epoch s or ms),
                           iso, epoch-s, epoch-ms, or a pattern of yyyy MM M dd d HH H mm ss SSS
  --tz <zone>              zone of times without an offset (default Asia/Shanghai)
  --crs <wgs84|gcj02|bd09> coordinate system of lon/lat (default wgs84; converted to WGS84)
  --category-map <file>    JSON object mapping source category values to taxonomy codes, e.g. {"路灯不亮":"BJ0112"}
  --default-status <s>     status when the row has none (default reported)
  --default-channel <c>    channel when the row has none (default hotline)
  --source <name>          the events' source field (default import)
  --relocate-to-district   map the data's bounding box onto the district's (demos with data from elsewhere)
  --geo <path>             district package from \`gridpulse import-geo\` (default: the built-in district)
  -h, --help               this help

Cases outside every grid of the district are still written; the server refuses them on replay as
outside_district (counted in /metrics). Exit code 3 when any row was bad (the good rows are still written).

Example:
  gridpulse import-cases test/fixtures/cases/usgs-earthquakes-2018-02.geojson --out quakes.ndjson.gz \\
    --map id=id,time=time,category=type,lon=lon,lat=lat,description=title --relocate-to-district
`;

export const command: Command = {
  name: 'import-cases',
  summary: 'turn a case export (CSV/NDJSON/GeoJSON) into a recording',
  help,
  async run(argv) {
    const args = parseCommandArgs(command, argv, {
      out: { type: 'string' },
      map: { type: 'string' },
      'date-format': { type: 'string' },
      tz: { type: 'string' },
      crs: { type: 'string' },
      'category-map': { type: 'string' },
      'default-status': { type: 'string' },
      'default-channel': { type: 'string' },
      source: { type: 'string' },
      'relocate-to-district': { type: 'boolean' },
      geo: { type: 'string' },
    });
    if (!args) return EXIT.ok;
    const v = args.values;
    const file = args.positionals[0];
    if (!file) throw new CliError('import-cases: name the file to import (CSV, NDJSON or GeoJSON)', EXIT.usage);
    if (args.positionals.length > 1)
      throw new CliError(`import-cases: unexpected argument "${args.positionals[1]}"`, EXIT.usage);
    if (!v.out) throw new CliError('import-cases: --out <recording> is required', EXIT.usage);
    if (!v.map)
      throw new CliError(
        'import-cases: --map is required, e.g. --map id=编号,time=时间,category=类别,lon=经度,lat=纬度',
        EXIT.usage,
      );

    const usage = <T>(f: () => T): T => {
      try {
        return f();
      } catch (err) {
        throw new CliError(`import-cases: ${(err as Error).message}`, EXIT.usage);
      }
    };
    const mapping = usage(() => parseMapping(v.map!));
    const tz = v.tz ?? 'Asia/Shanghai';
    const parseTime = usage(() => createTimeParser(v['date-format'] ?? 'auto', tz));
    const crs = (v.crs ?? 'wgs84') as Crs;
    if (!['wgs84', 'gcj02', 'bd09'].includes(crs))
      throw new CliError(`--crs: "${v.crs}" must be wgs84, gcj02 or bd09`, EXIT.usage);
    const defaultStatus = (v['default-status'] ?? 'reported') as CaseStatus;
    if (!CASE_STATUSES.includes(defaultStatus))
      throw new CliError(`--default-status: must be one of ${CASE_STATUSES.join(', ')}`, EXIT.usage);
    const defaultChannel = (v['default-channel'] ?? 'hotline') as CaseChannel;
    if (!CASE_CHANNELS.includes(defaultChannel))
      throw new CliError(`--default-channel: must be one of ${CASE_CHANNELS.join(', ')}`, EXIT.usage);
    const categoryMap = v['category-map'] ? usage(() => readCategoryMap(v['category-map']!)) : {};
    const district = usage(() => loadDistrict(v.geo));

    const opts = {
      mapping,
      parseTime,
      crs,
      categoryMap,
      defaultStatus,
      defaultChannel,
      source: v.source ?? 'import',
      idPrefix: basename(file).replace(/\.[^.]*$/, ''),
    };
    const events: CaseEvent[] = [];
    const bad: RowError[] = [];
    const unknownCategories = new Map<string, number>();
    const bar = progressBar('import', 0);
    let rows = 0;
    let checkedColumns = false;
    try {
      for await (const row of readRows(file, (e) => bad.push(e))) {
        if (!checkedColumns && file.toLowerCase().endsWith('.csv')) {
          const missing = Object.values(mapping).filter((col) => !(col in row.values));
          if (missing.length) {
            throw new CliError(
              `import-cases: ${file}: no column ${missing.map((c) => `"${c}"`).join(', ')}; columns: ${Object.keys(row.values).join(', ')}`,
              EXIT.usage,
            );
          }
        }
        checkedColumns = true;
        rows++;
        if (rows % 5000 === 0) {
          bar.setTotal(rows + 5000);
          bar.update(rows);
        }
        const out = rowToEvent(row, opts);
        if ('reason' in out) {
          bad.push(out);
          continue;
        }
        if (!knownCategory(out.category))
          unknownCategories.set(out.category, (unknownCategories.get(out.category) ?? 0) + 1);
        events.push(out);
      }
    } catch (err) {
      if (err instanceof CliError) throw err;
      const e = err as NodeJS.ErrnoException & { lines?: number };
      if (e.code === 'ENOENT') throw new CliError(`import-cases: ${file}: no such file`, EXIT.usage);
      throw new CliError(`import-cases: ${file}${e.lines ? `:${e.lines}` : ''}: ${e.message}`, EXIT.badInput);
    } finally {
      bar.stop();
    }

    bad.sort((a, b) => a.row - b.row);
    for (const e of bad.slice(0, MAX_LISTED))
      process.stderr.write(`${file}: row ${e.row}, column "${e.column}": ${e.reason}\n`);
    if (bad.length > MAX_LISTED) process.stderr.write(`${file}: … and ${bad.length - MAX_LISTED} more bad rows\n`);

    if (v['relocate-to-district']) relocate(events, district.bbox);
    // Stable: rows of the same time keep file order.
    events.sort((a, b) => a.time - b.time);
    if (events.length > 0) {
      const header = {
        start: events[0]!.time,
        end: events[events.length - 1]!.time + 1,
        district: district.code,
        createdBy: 'gridpulse import-cases',
        events: events.length,
      };
      try {
        await writeRecording(v.out, header, events);
      } catch (err) {
        throw new CliError(`import-cases: cannot write ${v.out}: ${(err as Error).message}`, EXIT.failed);
      }
    }
    const outside = events.filter((e) => e.lon !== undefined && !inBbox(e.lon, e.lat!, district.bbox)).length;
    process.stdout.write(
      `${file}: ${rows + bad.filter((b) => b.column === '(line)').length} rows, ${events.length} imported, ${bad.length} bad` +
        (events.length > 0 ? ` → ${v.out}\n` : ' — nothing written\n'),
    );
    if (unknownCategories.size > 0) {
      const top = [...unknownCategories]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([c, n]) => `${c} (${n})`);
      process.stdout.write(
        `categories not in the taxonomy, kept as they are: ${top.join(', ')}${unknownCategories.size > 5 ? ', …' : ''} (map them with --category-map)\n`,
      );
    }
    if (outside > 0) {
      process.stdout.write(
        `${outside} cases lie outside the district's bounding box: a server will refuse them as outside_district (try --relocate-to-district for a demo)\n`,
      );
    }
    return bad.length > 0 || events.length === 0 ? EXIT.badInput : EXIT.ok;
  },
};

function readCategoryMap(path: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`--category-map ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((x) => typeof x === 'string')
  ) {
    throw new Error(`--category-map ${path}: expected a JSON object of "source value": "category code"`);
  }
  return value as Record<string, string>;
}

function inBbox(lon: number, lat: number, [w, s, e, n]: readonly [number, number, number, number]): boolean {
  return lon >= w && lon <= e && lat >= s && lat <= n;
}
