import { z } from 'zod';

/**
 * Ingest events (DESIGN §3, §4): one schema per feed, versioned, each with a globally unique `id`,
 * its `source` (the system that sent it) and its event `time`.
 * Time is accepted as epoch milliseconds or an ISO-8601 string with offset and normalised to epoch ms.
 */

export const DEVICE_TYPES = [
  'access', // 门禁 access control
  'parking', // 停车 parking space/lot
  'water', // 水表 water meter
  'power', // 电表 electricity meter
  'bin', // 智能垃圾桶 smart trash bin (fill level)
  'smoke', // 烟感 smoke detector
  'wearable', // 养老手环 elderly-care wearable
  'camera', // 摄像头 camera (online state only)
] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const CASE_STATUSES = [
  'reported', // 受理
  'assigned', // 派单
  'in_progress', // 办理
  'resolved', // 办结
  'closed', // 回访/结案
  'returned', // 退单
  'extended', // 延期
  'supervised', // 督办
  'reopened',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_CHANNELS = ['hotline', 'patrol', 'resident', 'device', 'opinion'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

export const URGENCIES = ['urgent', 'help', 'complaint', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const OPINION_CHANNELS = ['group', 'forum', 'hotline', 'social'] as const;
export type OpinionChannel = (typeof OPINION_CHANNELS)[number];

/** Epoch ms from 2000-01-01 to 2100-01-01: anything outside is a unit mistake (seconds, µs), not a time. */
const MIN_TIME = 946_684_800_000;
const MAX_TIME = 4_102_444_800_000;

const eventTime = z
  .union([z.number().int(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
  .refine((ms) => ms >= MIN_TIME && ms < MAX_TIME, {
    message: 'time must be epoch milliseconds or ISO-8601 between 2000 and 2100',
  });

const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const gridCode = z.string().regex(/^\d{15}$/, 'grid must be a 15-digit grid code');
const id = z.string().min(1).max(128);

const base = {
  /** Format version of the event; 1 today. */
  v: z.literal(1).default(1),
  id,
  source: z.string().min(1).max(64),
  time: eventTime,
  lon: lon.optional(),
  lat: lat.optional(),
  grid: gridCode.optional(),
};

export const deviceHeartbeatSchema = z.strictObject({
  ...base,
  kind: z.literal('device.heartbeat'),
  deviceId: id,
  deviceType: z.enum(DEVICE_TYPES),
});

export const deviceTelemetrySchema = z.strictObject({
  ...base,
  kind: z.literal('device.telemetry'),
  deviceId: id,
  deviceType: z.enum(DEVICE_TYPES),
  /** Type-specific live metrics, e.g. `{ fill: 0.82 }` for a bin, `{ occupied: 1 }` for a parking space. */
  metrics: z.record(z.string().max(32), z.number().refine(Number.isFinite, 'must be finite')).default({}),
  /** The device reports a fault (true) or its recovery (false). */
  fault: z.boolean().optional(),
});

export const caseEventSchema = z.strictObject({
  ...base,
  kind: z.literal('case.updated'),
  caseId: id,
  status: z.enum(CASE_STATUSES),
  /** Category code from the taxonomy (data, not an enum: cities extend it). */
  category: z.string().min(1).max(32),
  channel: z.enum(CASE_CHANNELS),
  urgency: z.enum(URGENCIES).default('normal'),
  title: z.string().max(200).optional(),
});

export const opinionPostSchema = z.strictObject({
  ...base,
  kind: z.literal('opinion.post'),
  channel: z.enum(OPINION_CHANNELS),
  text: z.string().min(1).max(5000),
  /** In [-1, 1]; computed by the server when absent. */
  sentiment: z.number().min(-1).max(1).optional(),
});

export const ingestEventSchema = z.discriminatedUnion('kind', [
  deviceHeartbeatSchema,
  deviceTelemetrySchema,
  caseEventSchema,
  opinionPostSchema,
]);

export type DeviceHeartbeat = z.output<typeof deviceHeartbeatSchema>;
export type DeviceTelemetry = z.output<typeof deviceTelemetrySchema>;
export type CaseEvent = z.output<typeof caseEventSchema>;
export type OpinionPost = z.output<typeof opinionPostSchema>;
/** A validated event: time is epoch ms. */
export type IngestEvent = z.output<typeof ingestEventSchema>;
/** What a sender may write (time as ms or ISO). */
export type IngestEventInput = z.input<typeof ingestEventSchema>;
export type EventKind = IngestEvent['kind'];

/** The three feeds of DESIGN §3: things (物), cases (事), opinion (情). */
export type Feed = 'device' | 'case' | 'opinion';
export const FEEDS: readonly Feed[] = ['device', 'case', 'opinion'];

export function feedOf(kind: EventKind): Feed {
  if (kind === 'case.updated') return 'case';
  if (kind === 'opinion.post') return 'opinion';
  return 'device';
}

/** Open vs closed, the coarse kind every KPI counts by (DESIGN §3.3). */
export function caseStatusKind(status: CaseStatus): 'open' | 'closed' {
  return status === 'resolved' || status === 'closed' ? 'closed' : 'open';
}

/** A zod issue as a one-line "field: reason", e.g. `time: time must be epoch milliseconds…`. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(event)',
    message: issue.message,
  }));
}
