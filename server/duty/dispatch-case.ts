import { createHash } from 'node:crypto';
import { CODE_LENGTH, type AlertView, type CaseChannel, type CaseEvent, type Feed, type Urgency } from '../../protocol';

/** Case categories (protocol/case-taxonomy.ts) for the shipped rules' alerts when the duty officer names none. */
const CATEGORY_BY_RULE: Readonly<Record<string, string>> = {
  'smoke-alarm': 'SJ0406', // 火情
  'elderly-sos': 'SJ0410', // 老人求助
  'water-absence': 'SJ0410',
  'door-absence': 'SJ0410',
  'water-pressure-drop': 'SJ0408', // 停水
  'water-surge': 'SJ0402', // 自来水管破裂
  'power-loss': 'SJ0407', // 停电
  'power-surge': 'SJ0407',
  'mains-devices-offline': 'BJ0603', // 门禁监控
  'device-offline-community': 'BJ06',
  'device-offline-grid': 'BJ06',
};

/** Otherwise by the rule's feed: a device problem is a smart-device component, the rest community affairs. */
const CATEGORY_BY_FEED: Readonly<Record<Feed | 'none', string>> = { device: 'BJ06', case: 'SJ06', opinion: 'SJ06', none: 'SJ04' };

/** The intake channel of a dispatched case: device alerts come from devices, opinion alerts from opinion. */
export function channelOf(feed: Feed | null): CaseChannel {
  return feed === 'device' ? 'device' : feed === 'opinion' ? 'opinion' : 'patrol';
}

export interface DispatchInput {
  alert: AlertView;
  opId: string;
  at: number;
  /** The feed of the alert's rule (null: compound or cross-feed). */
  feed: Feed | null;
  category?: string;
  urgency?: Urgency;
  /** The category of the case the alert is about (an SLA alert on one case). */
  subjectCaseCategory?: string;
  /** Label point of an area above grid level, to place the case in one of its grids. */
  areaCenter?: readonly [number, number];
}

/**
 * The case id of a dispatch: derived from the opId, so a retry after a crash between filing the case and
 * committing the action files the very same case again (the case tracker upserts by id) instead of a second.
 */
export function dispatchCaseId(opId: string): string {
  return `DUTY-${createHash('sha256').update(opId).digest('hex').slice(0, 12).toUpperCase()}`;
}

/** The `case.updated` event (status `reported`) that files the case into the live pipeline. */
export function dispatchCaseEvent(d: DispatchInput): CaseEvent {
  const a = d.alert;
  const category = d.category ?? CATEGORY_BY_RULE[a.ruleId] ?? d.subjectCaseCategory ?? CATEGORY_BY_FEED[d.feed ?? 'none'];
  const urgency: Urgency = d.urgency ?? (a.severity === 'critical' || a.severity === 'major' ? 'urgent' : 'normal');
  const place =
    a.subject.grid.length === CODE_LENGTH.grid || !d.areaCenter
      ? { grid: a.subject.grid }
      : { lon: d.areaCenter[0], lat: d.areaCenter[1] };
  return {
    v: 1,
    id: `duty-dispatch:${d.opId}`,
    source: 'gridpulse-duty',
    time: d.at,
    kind: 'case.updated',
    caseId: dispatchCaseId(d.opId),
    status: 'reported',
    category,
    channel: channelOf(d.feed),
    urgency,
    title: a.message.slice(0, 200),
    ...place,
  };
}
