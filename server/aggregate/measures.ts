import { CASE_CHANNELS, DEVICE_TYPES, type CaseChannel, type DeviceType } from '../../protocol';

/**
 * The windowed measures every area keeps, as channel numbers of the sliding windows. One event adds to a few
 * channels of its lineage's keys; everything on screen is a sum or a ratio of these.
 */
export const M = {
  /** Events per feed. */
  deviceEvents: 0,
  caseEvents: 1,
  opinionEvents: 2,
  /** Access-control door openings. */
  doorOpenings: 3,
  /** Water use, m³ (sum of `flow_m3`, or litres/1000 of `flow_l`). */
  water: 4,
  /** Electricity use, kWh. */
  power: 5,
  /** Cases reported (first `reported` of a case). */
  casesNew: 6,
  /** Cases closed (first move to resolved/closed). */
  casesClosed: 7,
  /** Sum of report → close durations, ms (mean time to close = this / casesClosed). */
  closeMs: 8,
  /** Cases closed before their SLA deadline. */
  closedInSla: 9,
  /** Opinion: posts, sum of sentiment, posts with sentiment below the negative threshold. */
  posts: 10,
  sentimentSum: 11,
  negativePosts: 12,
  /** Events per device type start here: deviceTypeEvents + index in DEVICE_TYPES. */
  deviceTypeEvents: 13,
  /** Cases reported per channel start here: casesBySource + index in CASE_CHANNELS. */
  casesBySource: 13 + DEVICE_TYPES.length,
} as const;

export const MEASURE_COUNT = M.casesBySource + CASE_CHANNELS.length;

export const CASE_CHANNEL_INDEX: Readonly<Record<CaseChannel, number>> = Object.fromEntries(
  CASE_CHANNELS.map((c, i) => [c, i]),
) as Record<CaseChannel, number>;

export const DEVICE_TYPE_INDEX: Readonly<Record<DeviceType, number>> = Object.fromEntries(
  DEVICE_TYPES.map((t, i) => [t, i]),
) as Record<DeviceType, number>;

/** A post with sentiment below this counts as negative. */
export const NEGATIVE_SENTIMENT = -0.3;
