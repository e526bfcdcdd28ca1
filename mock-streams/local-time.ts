/**
 * Local time of day for the simulated district (Asia/Shanghai, UTC+8, no daylight saving), computed from epoch
 * milliseconds by arithmetic so that the machine's time zone never changes the stream.
 */
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** UTC+8: China has one time zone and no daylight saving. */
export const LOCAL_OFFSET_MS = 8 * HOUR_MS;

/** Hour of the local day as a fraction in [0, 24), e.g. 7.5 for 07:30. */
export function localHour(t: number): number {
  const ms = (t + LOCAL_OFFSET_MS) % DAY_MS;
  return (ms < 0 ? ms + DAY_MS : ms) / HOUR_MS;
}

/** Epoch ms of the local midnight that starts the day of `t`. */
export function localMidnight(t: number): number {
  return t - localHour(t) * HOUR_MS;
}

/**
 * Linear interpolation in a 24-entry hourly profile (value at the start of each hour), wrapping at midnight,
 * so curves have no steps on the hour.
 */
export function profileAt(profile: readonly number[], hour: number): number {
  const h0 = Math.floor(hour) % 24;
  const f = hour - Math.floor(hour);
  const a = profile[h0] ?? 0;
  const b = profile[(h0 + 1) % 24] ?? 0;
  return a + (b - a) * f;
}
