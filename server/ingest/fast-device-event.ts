import { DEVICE_TYPES, type IngestEvent } from '../../protocol';

/**
 * The fast path of ingest validation for the bulk of the traffic (DESIGN §8: device telemetry and heartbeats are
 * ~80 % of events): a hand-written check of the plain, common shape — numeric time, no `v` other than 1, nothing
 * unusual — that builds exactly what the zod schema (`ingestEventSchema`, protocol/events.schema.ts) would output,
 * keys in the same order. It never refuses: anything it is not sure of (an ISO time, an odd key, a bad value)
 * returns `undefined` and goes through zod, which accepts it or says precisely what is wrong. That the two agree
 * is property-tested (fast-device-event.test.ts).
 */

const MIN_TIME = 946_684_800_000;
const MAX_TIME = 4_102_444_800_000;
const GRID_CODE = /^\d{15}$/;
const TYPES: ReadonlySet<unknown> = new Set(DEVICE_TYPES);
const HEARTBEAT_KEYS: ReadonlySet<string> = new Set([
  'v',
  'id',
  'source',
  'time',
  'lon',
  'lat',
  'grid',
  'kind',
  'deviceId',
  'deviceType',
]);
const TELEMETRY_KEYS: ReadonlySet<string> = new Set([...HEARTBEAT_KEYS, 'metrics', 'fault']);

type Loose = Record<string, unknown>;

function isPlainObject(x: unknown): x is Loose {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

const text = (x: unknown, max: number): x is string => typeof x === 'string' && x.length >= 1 && x.length <= max;
const inRange = (x: unknown, lo: number, hi: number): boolean =>
  x === undefined || (typeof x === 'number' && x >= lo && x <= hi);

/** Copies a metrics object as zod's record would, or undefined when a key or value needs zod's judgement. */
function metricsOf(x: unknown): Record<string, number> | undefined {
  if (x === undefined) return {};
  if (!isPlainObject(x)) return undefined;
  const out: Record<string, number> = {};
  for (const key in x) {
    const value = x[key];
    if (key.length > 32 || key === '__proto__' || typeof value !== 'number' || !Number.isFinite(value))
      return undefined;
    out[key] = value;
  }
  return out;
}

/** The validated event for a common device event, or undefined: validate it with the schema instead. */
export function fastDeviceEvent(item: unknown): IngestEvent | undefined {
  if (!isPlainObject(item)) return undefined;
  const kind = item.kind;
  const telemetry = kind === 'device.telemetry';
  if (!telemetry && kind !== 'device.heartbeat') return undefined;
  const allowed = telemetry ? TELEMETRY_KEYS : HEARTBEAT_KEYS;
  for (const key in item) if (!allowed.has(key)) return undefined;
  const { v, id, source, time, lon, lat, grid, deviceId, deviceType } = item;
  if (v !== undefined && v !== 1) return undefined;
  if (!text(id, 128) || !text(source, 64) || !text(deviceId, 128) || !TYPES.has(deviceType)) return undefined;
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < MIN_TIME || time >= MAX_TIME) return undefined;
  if (!inRange(lon, -180, 180) || !inRange(lat, -90, 90)) return undefined;
  if (grid !== undefined && (typeof grid !== 'string' || !GRID_CODE.test(grid))) return undefined;
  // Same keys, same order as the schema's output: base fields, then the kind's own.
  const out: Loose = { v: 1, id, source, time };
  if (lon !== undefined) out.lon = lon;
  if (lat !== undefined) out.lat = lat;
  if (grid !== undefined) out.grid = grid;
  out.kind = kind;
  out.deviceId = deviceId;
  out.deviceType = deviceType;
  if (telemetry) {
    const metrics = metricsOf(item.metrics);
    if (!metrics) return undefined;
    out.metrics = metrics;
    if (item.fault !== undefined) {
      if (typeof item.fault !== 'boolean') return undefined;
      out.fault = item.fault;
    }
  }
  return out as IngestEvent;
}
