import { SEVERITIES, inJurisdiction, type AlertView, type DutyKpis, type Severity } from '../../protocol';
import type { KpiInput } from './duty-store';

/** KPIs look back this far (DESIGN §3.5: TTA/TTR over the last 24 h). */
export const KPI_WINDOW_MS = 24 * 3_600_000;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** What became true of an alert with one change: time to acknowledge / resolve, ms, when it just happened. */
export interface KpiEvent {
  severity: Severity;
  ttaMs?: number;
  ttrMs?: number;
}

/**
 * The times behind the duty KPIs, in memory: alerts first seen in the window and every open alert (O(alerts of
 * a day)). Filled from the store on start, then kept current with every alert change.
 */
export class KpiBook {
  private readonly rows = new Map<string, KpiInput>();

  load(rows: Iterable<KpiInput>): void {
    for (const r of rows) this.rows.set(r.id, { ...r });
  }

  /** Records an alert's current times; says which of acknowledgement and resolution it reached just now. */
  note(a: AlertView): KpiEvent {
    const before = this.rows.get(a.id);
    const row: KpiInput = {
      id: a.id,
      severity: a.severity,
      grid: a.subject.grid,
      firstSeen: a.firstSeen,
      ackAt: a.ackAt ?? null,
      resolvedAt: a.resolvedAt ?? null,
    };
    this.rows.set(a.id, row);
    const event: KpiEvent = { severity: a.severity };
    if (row.ackAt !== null && (before?.ackAt ?? null) === null) event.ttaMs = row.ackAt - row.firstSeen;
    if (row.resolvedAt !== null && (before?.resolvedAt ?? null) === null) event.ttrMs = row.resolvedAt - row.firstSeen;
    return event;
  }

  /** The figures of one jurisdiction at `now`. */
  compute(area: string, now: number): DutyKpis {
    const since = now - KPI_WINDOW_MS;
    const tta = new Map<Severity, number[]>(SEVERITIES.map((s) => [s, []]));
    const ttr = new Map<Severity, number[]>(SEVERITIES.map((s) => [s, []]));
    const bySeverity = Object.fromEntries(
      SEVERITIES.map((s) => [s, { raised: 0, acknowledged: 0, resolved: 0, ttaMedianMs: null, ttrMedianMs: null }]),
    ) as DutyKpis['bySeverity'];
    const open = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as DutyKpis['open'];
    for (const r of this.rows.values()) {
      if (!inJurisdiction({ area }, r.grid)) continue;
      if (r.resolvedAt === null) open[r.severity]++;
      if (r.firstSeen < since) continue;
      const k = bySeverity[r.severity];
      k.raised++;
      if (r.ackAt !== null) {
        k.acknowledged++;
        tta.get(r.severity)!.push(r.ackAt - r.firstSeen);
      }
      if (r.resolvedAt !== null) {
        k.resolved++;
        ttr.get(r.severity)!.push(r.resolvedAt - r.firstSeen);
      }
    }
    for (const s of SEVERITIES) {
      bySeverity[s].ttaMedianMs = median(tta.get(s)!);
      bySeverity[s].ttrMedianMs = median(ttr.get(s)!);
    }
    return { area, at: now, bySeverity, open };
  }

  /** Forgets resolved alerts first seen before the window (memory stays a day of alerts). */
  prune(now: number): void {
    const since = now - KPI_WINDOW_MS;
    for (const [id, r] of this.rows) if (r.resolvedAt !== null && r.firstSeen < since) this.rows.delete(id);
  }
}
