import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import gcoord from 'gcoord';
import {
  CASE_CHANNELS,
  CASE_STATUSES,
  URGENCIES,
  findCategory,
  type CaseChannel,
  type CaseEvent,
  type CaseStatus,
  type Urgency,
} from '../../protocol';
import type { TimeParser } from './case-time';

/** Columns a case export can be mapped from (`--map field=column,…`). */
export const CASE_FIELDS = [
  'id',
  'time',
  'category',
  'lon',
  'lat',
  'grid',
  'status',
  'description',
  'address',
  'urgency',
  'channel',
] as const;
export type CaseField = (typeof CASE_FIELDS)[number];
export type CaseMapping = Partial<Record<CaseField, string>>;
export type Crs = 'wgs84' | 'gcj02' | 'bd09';

/** A row as read: its number (CSV line, NDJSON line or feature index) and its values by column. */
export interface SourceRow {
  row: number;
  values: Record<string, unknown>;
}

/** Why one row was not imported. */
export interface RowError {
  row: number;
  column: string;
  reason: string;
}

export interface RowOptions {
  mapping: CaseMapping;
  parseTime: TimeParser;
  crs: Crs;
  categoryMap: Record<string, string>;
  defaultStatus: CaseStatus;
  defaultChannel: CaseChannel;
  source: string;
  /** Prefix of ids made up for rows without an id column. */
  idPrefix: string;
}

/** Status words seen in exports (English and Chinese) → the lifecycle of DESIGN §3.3. */
const STATUS_ALIASES: Record<string, CaseStatus> = {
  new: 'reported',
  open: 'reported',
  received: 'reported',
  受理: 'reported',
  已受理: 'reported',
  待受理: 'reported',
  上报: 'reported',
  dispatched: 'assigned',
  派单: 'assigned',
  已派单: 'assigned',
  派遣: 'assigned',
  'in progress': 'in_progress',
  processing: 'in_progress',
  办理: 'in_progress',
  处理中: 'in_progress',
  办理中: 'in_progress',
  completed: 'resolved',
  done: 'resolved',
  办结: 'resolved',
  已办结: 'resolved',
  已处理: 'resolved',
  closed: 'closed',
  结案: 'closed',
  已结案: 'closed',
  回访: 'closed',
  退单: 'returned',
  延期: 'extended',
  督办: 'supervised',
  重办: 'reopened',
  重新打开: 'reopened',
};
const URGENCY_ALIASES: Record<string, Urgency> = {
  紧急: 'urgent',
  特急: 'urgent',
  high: 'urgent',
  求助: 'help',
  投诉: 'complaint',
  一般: 'normal',
  普通: 'normal',
  low: 'normal',
  medium: 'normal',
};
const CHANNEL_ALIASES: Record<string, CaseChannel> = {
  '12345': 'hotline',
  热线: 'hotline',
  phone: 'hotline',
  巡查: 'patrol',
  网格员: 'patrol',
  居民: 'resident',
  web: 'resident',
  app: 'resident',
  设备: 'device',
  舆情: 'opinion',
};

const CRS_NAME = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** Parses `id=col,time=col,…`; throws RangeError naming the bad part. */
export function parseMapping(text: string): CaseMapping {
  const mapping: CaseMapping = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const field = part.slice(0, eq).trim() as CaseField;
    const column = part.slice(eq + 1).trim();
    if (eq < 0 || !column) throw new RangeError(`--map: "${part}" is not field=column`);
    if (!CASE_FIELDS.includes(field))
      throw new RangeError(`--map: unknown field "${field}"; fields: ${CASE_FIELDS.join(', ')}`);
    mapping[field] = column;
  }
  if (!mapping.time) throw new RangeError('--map: time=<column> is required');
  if (!mapping.category) throw new RangeError('--map: category=<column> is required');
  if (!mapping.grid && !(mapping.lon && mapping.lat))
    throw new RangeError('--map: give lon=<column> and lat=<column> (or grid=<column>)');
  return mapping;
}

/** Streams the rows of a CSV (header row = column names), NDJSON, or GeoJSON FeatureCollection file. */
export async function* readRows(file: string, onBad: (e: RowError) => void): AsyncGenerator<SourceRow> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) {
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let line = 0;
    for await (const text of rl) {
      line++;
      if (text.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        yield { row: line, values: value as Record<string, unknown> };
      } catch (err) {
        onBad({ row: line, column: '(line)', reason: `not a JSON object: ${(err as Error).message}` });
      }
    }
    return;
  }
  if (lower.endsWith('.json') || lower.endsWith('.geojson')) {
    const doc = JSON.parse(await readFile(file, 'utf8')) as { type?: string; features?: unknown[] } | unknown[];
    const items = Array.isArray(doc)
      ? doc
      : doc.type === 'FeatureCollection' && Array.isArray(doc.features)
        ? doc.features
        : undefined;
    if (!items) throw new RangeError(`${file}: expected a JSON array of objects or a GeoJSON FeatureCollection`);
    for (let i = 0; i < items.length; i++) yield { row: i + 1, values: flattenFeature(items[i]) };
    return;
  }
  const parser = createReadStream(file).pipe(
    parse({ columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }),
  );
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { row: item.info.lines, values: item.record };
  }
}

/** A GeoJSON Point feature as one flat row: its properties, `id`, and `lon`/`lat` from the geometry. */
function flattenFeature(item: unknown): Record<string, unknown> {
  const f = item as {
    type?: string;
    id?: unknown;
    properties?: Record<string, unknown>;
    geometry?: { type?: string; coordinates?: unknown[] };
  };
  if (f?.type !== 'Feature') return (item ?? {}) as Record<string, unknown>;
  const row: Record<string, unknown> = { ...(f.properties ?? {}) };
  if (f.id !== undefined) row.id = f.id;
  if (f.geometry?.type === 'Point' && Array.isArray(f.geometry.coordinates)) {
    row.lon = f.geometry.coordinates[0];
    row.lat = f.geometry.coordinates[1];
  }
  return row;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v).trim());

/** One row → one `case.updated` event, or the first thing wrong with it (column and reason). */
export function rowToEvent(row: SourceRow, o: RowOptions): CaseEvent | RowError {
  const m = o.mapping;
  const n = row.row;
  const get = (field: CaseField) => (m[field] ? text(row.values[m[field]!]) : '');
  const fail = (field: CaseField, reason: string): RowError => ({ row: n, column: m[field] ?? field, reason });

  const caseId = get('id') || `${o.idPrefix}-${n}`;
  if (caseId.length > 80) return fail('id', 'longer than 80 characters');
  const time = o.parseTime(get('time'));
  if (typeof time === 'string') return fail('time', get('time') === '' ? 'empty' : time);
  if (time < 946_684_800_000 || time >= 4_102_444_800_000)
    return fail('time', `${new Date(time).toISOString()} is outside 2000–2100`);

  const rawCategory = get('category');
  if (!rawCategory) return fail('category', 'empty');
  const category = o.categoryMap[rawCategory] ?? rawCategory;
  if (category.length > 32)
    return fail('category', `"${category}" is longer than 32 characters; map it with --category-map`);

  const status = pick(get('status'), o.defaultStatus, CASE_STATUSES, STATUS_ALIASES);
  if (status === undefined) return fail('status', `"${get('status')}" is not a status (${CASE_STATUSES.join(', ')})`);
  const urgency = pick(get('urgency'), 'normal', URGENCIES, URGENCY_ALIASES);
  if (urgency === undefined) return fail('urgency', `"${get('urgency')}" is not an urgency (${URGENCIES.join(', ')})`);
  const channel = pick(get('channel'), o.defaultChannel, CASE_CHANNELS, CHANNEL_ALIASES);
  if (channel === undefined)
    return fail('channel', `"${get('channel')}" is not a channel (${CASE_CHANNELS.join(', ')})`);

  const event: CaseEvent = {
    v: 1,
    kind: 'case.updated',
    id: `${caseId}:${status}:${time}`,
    source: o.source,
    time,
    caseId,
    status,
    category,
    channel,
    urgency,
  };
  const grid = get('grid');
  if (grid) {
    if (!/^\d{15}$/.test(grid)) return fail('grid', `"${grid}" is not a 15-digit grid code`);
    event.grid = grid;
  }
  if (m.lon && m.lat && (get('lon') !== '' || get('lat') !== '')) {
    const lon = Number(get('lon'));
    const lat = Number(get('lat'));
    if (!Number.isFinite(lon) || get('lon') === '') return fail('lon', `"${get('lon')}" is not a number`);
    if (!Number.isFinite(lat) || get('lat') === '') return fail('lat', `"${get('lat')}" is not a number`);
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90)
      return fail('lon', `${lon},${lat} is not lon/lat in degrees (projected coordinates are not supported)`);
    const [x, y] =
      o.crs === 'wgs84'
        ? [lon, lat]
        : (gcoord.transform([lon, lat], CRS_NAME[o.crs], gcoord.WGS84) as [number, number]);
    event.lon = round7(x);
    event.lat = round7(y);
  } else if (!grid) {
    return fail(m.lon ? 'lon' : 'grid', 'no location (lon/lat or grid)');
  }
  const title = [get('description'), get('address')].filter(Boolean).join(' · ');
  if (title) event.title = title.length > 200 ? `${title.slice(0, 199)}…` : title;
  return event;
}

/** Whether a category code is one of the built-in taxonomy's (others are kept: cities extend it). */
export const knownCategory = (code: string): boolean => findCategory(code) !== undefined;

function pick<T extends string>(
  raw: string,
  fallback: T,
  values: readonly T[],
  aliases: Record<string, T>,
): T | undefined {
  if (raw === '') return fallback;
  const key = raw.toLowerCase().replace(/[-_]/g, ' ');
  const direct = values.find((v) => v === raw.toLowerCase() || v.replace(/_/g, ' ') === key);
  return direct ?? aliases[raw] ?? aliases[key];
}

/**
 * Maps the events' bounding box linearly onto `bbox` (with a margin), for demos of a dataset from elsewhere.
 * Only events with lon/lat move.
 */
export function relocate(events: CaseEvent[], bbox: readonly [number, number, number, number]): void {
  const located = events.filter((e) => e.lon !== undefined && e.lat !== undefined);
  if (located.length === 0) return;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ev of located) {
    w = Math.min(w, ev.lon!);
    e = Math.max(e, ev.lon!);
    s = Math.min(s, ev.lat!);
    n = Math.max(n, ev.lat!);
  }
  const [W, S, E, N] = bbox;
  const mx = (E - W) * 0.05;
  const my = (N - S) * 0.05;
  for (const ev of located) {
    ev.lon = round7(W + mx + (e > w ? (ev.lon! - w) / (e - w) : 0.5) * (E - W - 2 * mx));
    ev.lat = round7(S + my + (n > s ? (ev.lat! - s) / (n - s) : 0.5) * (N - S - 2 * my));
  }
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;
