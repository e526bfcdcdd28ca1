import type { CaseChannel, DeviceType, Feed } from '../../../protocol';

/**
 * The protocol's value lists, in its order, for display. `protocol/events.schema.ts` declares them next to
 * its zod schemas, and importing a value from there would pull zod into the wall bundle (~25 KB gzip):
 * the client keeps copies instead, and the checks below fail the typecheck if one drifts from the protocol.
 */
export const DEVICE_TYPE_ORDER = ['access', 'parking', 'water', 'power', 'bin', 'smoke', 'wearable', 'camera'] as const;
export const CASE_CHANNEL_ORDER = ['hotline', 'patrol', 'resident', 'device', 'opinion'] as const;
export const FEED_ORDER = ['device', 'case', 'opinion'] as const;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const exhaustive: [
  Same<(typeof DEVICE_TYPE_ORDER)[number], DeviceType>,
  Same<(typeof CASE_CHANNEL_ORDER)[number], CaseChannel>,
  Same<(typeof FEED_ORDER)[number], Feed>,
] = [true, true, true];
void exhaustive;
