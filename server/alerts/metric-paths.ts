import { DEVICE_TYPES, type AreaStats, type Feed } from '../../protocol';

const DEVICE_COUNT_KEYS = ['total', 'online', 'offline', 'fault'] as const;

/**
 * Every numeric leaf of AreaStats a threshold rule may name, with the feed it comes from (for compound
 * incidents). `pressure` is the cross-feed index: it belongs to no single feed.
 */
export const METRIC_PATHS: ReadonlyMap<string, Feed | null> = new Map<string, Feed | null>([
  ['events5m.device', 'device'],
  ['events5m.case', 'case'],
  ['events5m.opinion', 'opinion'],
  ...DEVICE_COUNT_KEYS.map((k) => [`devices.${k}`, 'device'] as [string, Feed]),
  ...DEVICE_TYPES.flatMap((t) => DEVICE_COUNT_KEYS.map((k) => [`devicesByType.${t}.${k}`, 'device'] as [string, Feed])),
  ...[
    'live.parking.spaces',
    'live.parking.occupied',
    'live.doorOpenings1h',
    'live.water1h',
    'live.power1h',
    'live.smokeAlarms',
    'live.sosActive',
  ].map((p) => [p, 'device'] as [string, Feed]),
  ...[0, 1, 2, 3, 4].map((i) => [`live.binFill.${i}`, 'device'] as [string, Feed]),
  ...['new24h', 'open', 'overdue', 'closed24h', 'meanCloseMs24h', 'slaRate24h'].map(
    (k) => [`cases.${k}`, 'case'] as [string, Feed],
  ),
  ...['posts1h', 'posts24h', 'sentiment1h', 'sentiment24h', 'negative1h'].map(
    (k) => [`opinion.${k}`, 'opinion'] as [string, Feed],
  ),
  ['pressure', null],
]);

/** A reader for a validated path; null where the figure is not defined (no posts, nothing closed). */
export function metricReader(path: string): (stats: AreaStats) => number | null {
  const parts = path.split('.');
  return (stats) => {
    let v: unknown = stats;
    for (const p of parts) v = (v as Record<string, unknown> | null)?.[p];
    return typeof v === 'number' ? v : null;
  };
}
