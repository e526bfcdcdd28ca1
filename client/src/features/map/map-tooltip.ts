import type { DeviceView } from '../../../../protocol';
import type { DeviceCluster } from './layers/device-cluster';

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
