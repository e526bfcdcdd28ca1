import type { DeviceView } from '../../../../protocol';
import type { DeviceCluster } from './layers/device-cluster';
import type { AlertMarker } from './map-alerts';

/** A tooltip: a title and label/value rows. */
export interface MapTip {
  title: string;
  rows: [label: string, value: string][];
}

type T = (key: string) => string;

/** "HH:MM:SS", or "MM-DD HH:MM" when not today, in the viewer's time zone. */
export function formatLastSeen(ms: number, now: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return new Date(now).toDateString() === d.toDateString()
    ? time
    : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

export function deviceTip(d: DeviceView, t: T, now: number): MapTip {
  return {
    title: `${t('map.tipDevice')} ${d.id}`,
    rows: [
      [t('map.tipType'), t(`map.deviceType.${d.type}`)],
      [t('map.tipState'), t(`map.${d.status}`)],
      [t('map.tipLastSeen'), d.lastSeen > 0 ? formatLastSeen(d.lastSeen, now) : '—'],
    ],
  };
}

export function clusterTip(c: DeviceCluster, t: T): MapTip {
  return {
    title: t('map.tipCluster'),
    rows: [
      [t('map.tipCount'), String(c.count)],
      [t('map.tipWorst'), t(`map.${c.worst}`)],
      [t('map.online'), String(c.counts[0])],
      [t('map.offline'), String(c.counts[1])],
      [t('map.fault'), String(c.counts[2])],
    ],
  };
}

export function areaTip(name: string, kpiLabel: string, value: string): MapTip {
  return { title: name, rows: [[kpiLabel, value]] };
}

/**
 * The alerts at a marker, worst first: the worst one's rule, message and subject, then how many share the
 * place. `subjectName` names an area subject by its area name; devices and cases by id.
 */
export function alertTip(
  m: AlertMarker,
  t: T,
  opts: { english: boolean; now: number; subjectName: (code: string) => string },
): MapTip {
  const top = m.alerts[0]!;
  const subject = top.subject.type === 'area' ? opts.subjectName(top.subject.id) : top.subject.id;
  const rows: [string, string][] = [
    [t('map.tipSubject'), subject],
    [t('map.tipSince'), formatLastSeen(top.firstSeen, opts.now)],
  ];
  const message = opts.english ? top.messageEn || top.message : top.message;
  if (message) rows.push(['', message]);
  if (m.alerts.length > 1) rows.push([t('map.tipAlerts'), String(m.alerts.length)]);
  const rule = opts.english ? top.ruleNameEn || top.ruleName : top.ruleName;
  return { title: `${t(`map.severity.${top.severity}`)} · ${rule}`, rows };
}
