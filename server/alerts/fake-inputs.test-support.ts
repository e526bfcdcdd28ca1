import type { AreaStats, CaseView, DeviceType } from '../../protocol';
import type { MetricWatch } from '../aggregate/metric-watch';
import type { AlertInputs, BaselineFact, DeviceFact } from './alert-inputs';
import type { AreaLevelName, MeasureName } from './rule.schema';

/** Hand-set inputs for engine tests: every figure is what the test says it is. */
export class FakeInputs implements AlertInputs {
  grids = ['330106007001001', '330106007001002', '330106007002001'];
  communities = ['330106007001', '330106007002'];
  /** Overrides of AreaStats leaves per area code, e.g. { 'live.smokeAlarms': 1 }. */
  figures = new Map<string, Record<string, number>>();
  measures = new Map<string, number>();
  baselines = new Map<string, BaselineFact>();
  deviceList: DeviceFact[] = [];
  quiet = new Map<string, number>();
  groups = new Map<string, Set<string>>();
  overdue: CaseView[] = [];
  watches: readonly MetricWatch[] = [];
  statsCalls = 0;

  set(code: string, path: string, value: number): this {
    this.figures.set(code, { ...this.figures.get(code), [path]: value });
    return this;
  }

  areas(level: AreaLevelName): readonly string[] {
    return level === 'grid' ? this.grids : level === 'community' ? this.communities : ['330106007'];
  }

  areaName(code: string, lang: 'zh' | 'en'): string | undefined {
    if (code !== '330106007001001') return undefined;
    return lang === 'en' ? 'Grid 1' : '一网格';
  }

  stats(code: string): AreaStats {
    this.statsCalls++;
    const f = this.figures.get(code) ?? {};
    const counts = (prefix: string) => {
      const total = f[`${prefix}.total`] ?? 0;
      const offline = f[`${prefix}.offline`] ?? 0;
      const fault = f[`${prefix}.fault`] ?? 0;
      return { total, offline, fault, online: total - offline - fault };
    };
    const types: DeviceType[] = ['access', 'parking', 'water', 'power', 'bin', 'smoke', 'wearable', 'camera'];
    return {
      code,
      events5m: { device: 0, case: 0, opinion: 0 },
      devices: counts('devices'),
      devicesByType: Object.fromEntries(
        types.map((t) => [t, counts(`devicesByType.${t}`)]),
      ) as AreaStats['devicesByType'],
      live: {
        parking: { spaces: 0, occupied: 0 },
        binFill: [0, 0, 0, 0, 0],
        doorOpenings1h: 0,
        water1h: 0,
        waterBaseline1h: null,
        power1h: 0,
        powerBaseline1h: null,
        smokeAlarms: f['live.smokeAlarms'] ?? 0,
        sosActive: f['live.sosActive'] ?? 0,
      },
      cases: {
        new24h: 0,
        open: f['cases.open'] ?? 0,
        overdue: f['cases.overdue'] ?? 0,
        closed24h: 0,
        meanCloseMs24h: null,
        slaRate24h: null,
        bySource24h: { hotline: 0, patrol: 0, resident: 0, device: 0, opinion: 0 },
      },
      opinion: {
        posts1h: 0,
        posts24h: 0,
        sentiment1h: null,
        sentiment24h: null,
        negative1h: f['opinion.negative1h'] ?? 0,
      },
      pressure: f.pressure ?? 0,
    };
  }

  measure(code: string, measure: MeasureName): number {
    return this.measures.get(`${code}|${measure}`) ?? 0;
  }

  baseline(code: string, measure: MeasureName): BaselineFact {
    return this.baselines.get(`${code}|${measure}`) ?? { mean: null, std: null, samples: 0 };
  }

  devices(type: DeviceType): Iterable<DeviceFact> {
    return this.deviceList.filter((d) => d.type === type);
  }

  device(id: string): DeviceFact | undefined {
    return this.deviceList.find((d) => d.id === id);
  }

  watchMetrics(watches: readonly MetricWatch[]): void {
    this.watches = watches;
  }

  quietSince(id: string): number | undefined {
    return this.quiet.get(id);
  }

  deviceGroup(name: string): ReadonlySet<string> | undefined {
    return this.groups.get(name);
  }

  overdueCases(): Iterable<CaseView> {
    return this.overdue;
  }
}
