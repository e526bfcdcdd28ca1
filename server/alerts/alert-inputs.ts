import { CODE_LENGTH, type AreaStats, type CaseView, type DeviceStatus, type DeviceType } from '../../protocol';
import type { Aggregator } from '../aggregate/aggregator';
import { M } from '../aggregate/measures';
import type { MetricWatch } from '../aggregate/metric-watch';
import type { AreaLevelName, MeasureName } from './rule.schema';

/** What the engine reads of a device. */
export interface DeviceFact {
  readonly id: string;
  readonly type: DeviceType;
  readonly grid: string;
  readonly status: DeviceStatus;
  /** Latest telemetry metrics. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** The usual value of a measure over a trailing window, from the hour-of-week seasonal baseline. */
export interface BaselineFact {
  mean: number | null;
  std: number | null;
  /** Weeks that taught the slots used (the lesser of the two). */
  samples: number;
}

/**
 * The read interface the alert engine evaluates over: everything it needs from the aggregates, nothing it
 * could change. `aggregatorInputs` implements it over the live Aggregator; tests may hand-write one.
 */
export interface AlertInputs {
  /** Area codes of a level. */
  areas(level: AreaLevelName): readonly string[];
  /** Display name of an area in a language, for messages; undefined where the district has none in it. */
  areaName(code: string, lang: 'zh' | 'en'): string | undefined;
  stats(code: string): AreaStats | undefined;
  /** Total of a measure over a window (`5m` or `1h`) in an area. */
  measure(code: string, measure: MeasureName, window: '5m' | '1h'): number;
  /** Usual value of a measure over the window ending at `now`. */
  baseline(code: string, measure: MeasureName, window: '5m' | '1h', now: number): BaselineFact;
  /** Devices of a type, anywhere. */
  devices(type: DeviceType): Iterable<DeviceFact>;
  device(id: string): DeviceFact | undefined;
  /** Registers the metric conditions absence rules look for (replaces the previous set). */
  watchMetrics(watches: readonly MetricWatch[]): void;
  /** Since when a device has not matched watch `key` (see DeviceTracker.quietSince). */
  quietSince(deviceId: string, key: string): number | undefined;
  /** Device ids of a named group the deployment knows (e.g. `elderly` households' meters); undefined: unknown. */
  deviceGroup(name: string): ReadonlySet<string> | undefined;
  /** Cases past their SLA deadline now. */
  overdueCases(): Iterable<CaseView>;
}

export interface AggregatorInputsOptions {
  /** Area names by code (from the district). */
  areaNames?: ReadonlyMap<string, string>;
  /** English area names by code, where the district has them (`nameEn`). */
  areaNamesEn?: ReadonlyMap<string, string>;
  /** Named device groups, e.g. { elderly: [meter ids] } (personal data: the server keeps it, screens mask it). */
  groups?: Readonly<Record<string, Iterable<string>>>;
}

const HOUR = 3_600_000;

/** AlertInputs over the live Aggregator (read-only use of its trackers, windows and baselines). */
export function aggregatorInputs(agg: Aggregator, opts: AggregatorInputsOptions = {}): AlertInputs {
  const byLevel = new Map<AreaLevelName, string[]>();
  const groups = new Map(Object.entries(opts.groups ?? {}).map(([name, ids]) => [name, new Set(ids)]));
  const keyOf = (code: string) => agg.registry.keyOf(code);
  const slot = (key: number, channel: number, time: number) => agg.baselines.read(key, channel, time);
  return {
    areas(level) {
      let codes = byLevel.get(level);
      if (!codes)
        byLevel.set(level, (codes = agg.registry.codesWithin('*').filter((c) => c.length === CODE_LENGTH[level])));
      return codes;
    },
    areaName: (code, lang) => (lang === 'en' ? opts.areaNamesEn : opts.areaNames)?.get(code),
    stats: (code) => agg.stats(code),
    measure(code, measure, window) {
      const key = keyOf(code);
      return key === undefined ? 0 : agg.windows.total(window, key, M[measure]);
    },
    baseline(code, measure, window, now) {
      const key = keyOf(code);
      if (key === undefined) return { mean: null, std: null, samples: 0 };
      const channel = M[measure];
      // The trailing hour straddles two hour-of-week slots: weigh them by how much of each it covers.
      const f = (((now % HOUR) + HOUR) % HOUR) / HOUR;
      const a = slot(key, channel, now - HOUR);
      const b = slot(key, channel, now);
      if (a.hourly === null || b.hourly === null)
        return { mean: null, std: null, samples: Math.min(a.samples, b.samples) };
      let mean = (1 - f) * a.hourly + f * b.hourly;
      let std = (1 - f) * a.hourlyStd! + f * b.hourlyStd!;
      if (window === '5m') {
        mean /= 12;
        std /= Math.sqrt(12);
      }
      return { mean, std, samples: Math.min(a.samples, b.samples) };
    },
    devices: (type) => agg.devices.ofType(type),
    device: (id) => agg.devices.get(id),
    watchMetrics: (watches) => agg.devices.watchMetrics(watches),
    quietSince(id, key) {
      const d = agg.devices.get(id);
      return d ? agg.devices.quietSince(d, key) : undefined;
    },
    deviceGroup: (name) => groups.get(name),
    *overdueCases() {
      for (const c of agg.cases.views('*')) if (c.state === 'overdue') yield c;
    },
  };
}
