import type { CaseChannel, CaseStats } from '../../../../protocol';
import { CASE_CHANNEL_ORDER } from '../../services/protocol-lists';

export interface CaseSourceShare {
  channel: CaseChannel;
  n: number;
  /** Share of the 24 h reports, in percent. */
  pct: number;
}

export interface CaseSlaView {
  /** Closed within SLA / closed, 0..1, last 24 h; null when none closed. */
  slaRate: number | null;
  open: number;
  overdue: number;
  /** Overdue / open, 0..1; 0 with no open cases. */
  overdueShare: number;
  meanCloseMs: number | null;
  new24h: number;
  closed24h: number;
  sources: CaseSourceShare[];
}

/** SLA and intake figures of the cases panel; every channel is listed, in the protocol's order. */
export function caseSlaView(cases: CaseStats | undefined): CaseSlaView | undefined {
  if (!cases) return undefined;
  const total = CASE_CHANNEL_ORDER.reduce((s, c) => s + (cases.bySource24h[c] ?? 0), 0);
  return {
    slaRate: cases.slaRate24h,
    open: cases.open,
    overdue: cases.overdue,
    overdueShare: cases.open > 0 ? cases.overdue / cases.open : 0,
    meanCloseMs: cases.meanCloseMs24h,
    new24h: cases.new24h,
    closed24h: cases.closed24h,
    sources: CASE_CHANNEL_ORDER.map((channel) => {
      const n = cases.bySource24h[channel] ?? 0;
      return { channel, n, pct: total > 0 ? (n / total) * 100 : 0 };
    }),
  };
}
