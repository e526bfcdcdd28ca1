/** Shanghai local time (UTC+8, no DST): the product's clock for day boundaries (as the aggregates use). */
export const LOCAL_OFFSET_MS = 8 * 3_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface TimelineMark {
  time: number;
  /** 0..1 along the timeline. */
  at: number;
  kind: 'day' | 'hour';
  /** `06-10` for a day, `06:00` for an hour mark. */
  label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Marks for a replay timeline over [start, end]: every local midnight (day markers, labelled MM-DD) and every
 * `hourStep` hours in between, so a presenter can find "this morning at 9" at a glance.
 */
export function timelineMarks(start: number, end: number, hourStep = 6): TimelineMark[] {
  const span = end - start;
  if (!(span > 0)) return [];
  const marks: TimelineMark[] = [];
  const step = hourStep * HOUR_MS;
  const first = Math.ceil((start + LOCAL_OFFSET_MS) / step) * step - LOCAL_OFFSET_MS;
  for (let t = first; t <= end; t += step) {
    const local = new Date(t + LOCAL_OFFSET_MS);
    const day = (t + LOCAL_OFFSET_MS) % DAY_MS === 0;
    marks.push({
      time: t,
      at: (t - start) / span,
      kind: day ? 'day' : 'hour',
      label: day
        ? `${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`
        : `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`,
    });
  }
  return marks;
}

/** `2025-06-10 09:30:05` in local time. */
export function formatLocal(time: number, withDate = true): string {
  const d = new Date(time + LOCAL_OFFSET_MS);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withDate ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clock}` : clock;
}

/** Position 0..1 of `time` on [start, end], clamped. */
export function fractionOf(time: number, start: number, end: number): number {
  if (!(end > start)) return 0;
  return Math.min(1, Math.max(0, (time - start) / (end - start)));
}
