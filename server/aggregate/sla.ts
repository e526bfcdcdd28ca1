import type { Urgency } from '../../protocol';

/** Working days allowed per urgency (DESIGN §3.3): urgent the same day, help 3, complaint 13, normal 5. */
export interface SlaPolicy {
  /** Working days to close, per urgency; 0 = by the end of the local day of the report. */
  workingDays: Readonly<Record<Urgency, number>>;
  /** Category code (or class prefix) → working days, overriding the urgency rule. Cities extend it. */
  categoryDays?: Readonly<Record<string, number>>;
  /** Local time offset from UTC in ms (Asia/Shanghai: +8 h). */
  utcOffsetMs: number;
}

export const DEFAULT_SLA: SlaPolicy = {
  workingDays: { urgent: 0, help: 3, complaint: 13, normal: 5 },
  utcOffsetMs: 8 * 3_600_000,
};

const DAY = 86_400_000;

/** Local weekday, 0 = Sunday … 6 = Saturday. */
function localWeekday(time: number, offset: number): number {
  return new Date(time + offset).getUTCDay();
}

/**
 * Deadline for a case reported at `reportedAt`: the end of the local day for urgent cases, otherwise
 * `n` working days later (Saturdays and Sundays skipped) at the same local time.
 */
export function slaDeadline(policy: SlaPolicy, reportedAt: number, urgency: Urgency, category: string): number {
  const days = categoryDays(policy, category) ?? policy.workingDays[urgency];
  const offset = policy.utcOffsetMs;
  if (days <= 0) {
    const localDayStart = Math.floor((reportedAt + offset) / DAY) * DAY - offset;
    return localDayStart + DAY - 1;
  }
  let t = reportedAt;
  let left = days;
  while (left > 0) {
    t += DAY;
    const wd = localWeekday(t, offset);
    if (wd !== 0 && wd !== 6) left--;
  }
  return t;
}

function categoryDays(policy: SlaPolicy, category: string): number | undefined {
  const table = policy.categoryDays;
  if (!table) return undefined;
  for (let len = category.length; len > 0; len--) {
    const days = table[category.slice(0, len)];
    if (days !== undefined) return days;
  }
  return undefined;
}
