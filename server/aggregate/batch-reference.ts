import {
  CASE_CHANNELS,
  DEVICE_TYPES,
  caseStatusKind,
  type AreaStats,
  type CaseEvent,
  type DeviceStatus,
  type DeviceType,
  type IngestEvent,
} from '../../protocol';
import { pressureIndex } from './area-view';
import { MAX_EXTENSIONS, categoryClass } from './case-tracker';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, type DeviceCounts } from './device-tracker';
import { NEGATIVE_SENTIMENT } from './measures';
import { WINDOWS, type WindowName } from './multi-window';
import { DEFAULT_SLA, slaDeadline } from './sla';

/**
 * The plain batch recomputation the incremental engine is proved against (issue #5 item 6): the same
 * aggregates computed from scratch over a list of located events at one instant, written for obviousness
 * rather than speed — no windows, no dirty sets, no incremental counters.
 */
export interface BatchInput {
  event: IngestEvent;
  grid: string;
  post?: { sentiment: number; keywords: readonly string[] };
}

export interface BatchOptions {
  areaCodes: readonly string[];
  now: number;
  maxClockSkewMs?: number;
  utcOffsetMs?: number;
}

type Stamp = [number, string];
const after = (a: Stamp, b: Stamp) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

export function batchAreaStats(inputs: readonly BatchInput[], opts: BatchOptions): Map<string, Omit<AreaStats, 'live'> & { live: Omit<AreaStats['live'], 'waterBaseline1h' | 'powerBaseline1h'> }> {
  const { now } = opts;
  const offset = opts.utcOffsetMs ?? 8 * 3_600_000;
  const skew = opts.maxClockSkewMs ?? 5 * 60_000;
  // Dedup by id: a retried event counts once.
  const unique = new Map<string, BatchInput>();
  for (const input of inputs) if (!unique.has(input.event.id)) unique.set(input.event.id, input);
  const events = [...unique.values()].map((x) => ({ ...x, time: x.event.time > now + skew ? now : Math.min(x.event.time, now) }));

  const inWindow = (time: number, window: WindowName) => {
    const { bucketMs, bucketCount } = WINDOWS[window];
    const head = Math.floor((now + offset) / bucketMs);
    const b = Math.floor((time + offset) / bucketMs);
    return b <= head && b > head - bucketCount;
  };
  const within = (code: string, grid: string) => code === '*' || grid.startsWith(code);

  // Devices: each fact from the newest event carrying it.
  interface Dev { type: DeviceType; grid: string; seen: Stamp; fault: boolean; faultAt?: Stamp; metrics: Record<string, number>; metricsAt?: Stamp }
  const devices = new Map<string, Dev>();
  for (const { event: e, grid, time } of events) {
    if (e.kind !== 'device.heartbeat' && e.kind !== 'device.telemetry') continue;
    const s: Stamp = [time, e.id];
    let d = devices.get(e.deviceId);
    if (!d) devices.set(e.deviceId, (d = { type: e.deviceType, grid, seen: s, fault: false, metrics: {} }));
    else if (after(s, d.seen)) {
      d.seen = s;
      d.grid = grid;
    }
    if (e.kind === 'device.telemetry') {
      if (e.fault !== undefined && (!d.faultAt || after(s, d.faultAt))) {
        d.fault = e.fault;
        d.faultAt = s;
      }
      if (!d.metricsAt || after(s, d.metricsAt)) {
        d.metrics = e.metrics;
        d.metricsAt = s;
      }
    }
  }
  const statusOf = (d: Dev): DeviceStatus =>
    now - d.seen[0] > DEFAULT_HEARTBEAT_TIMEOUT_MS[d.type] ? 'offline' : d.fault ? 'fault' : 'online';

  // Cases: status from the newest event; report = earliest `reported`; closure = earliest closed-kind event.
  interface Case { grid: string; last: CaseEvent; lastAt: Stamp; report?: number; first: number; closeAt?: number; ext: Set<string> }
  const cases = new Map<string, Case>();
  for (const { event: e, grid, time } of events) {
    if (e.kind !== 'case.updated') continue;
    const s: Stamp = [time, e.id];
    let c = cases.get(e.caseId);
    if (!c) cases.set(e.caseId, (c = { grid, last: e, lastAt: s, first: time, ext: new Set() }));
    else if (after(s, c.lastAt)) Object.assign(c, { grid, last: e, lastAt: s });
    c.first = Math.min(c.first, time);
    if (e.status === 'reported') c.report = Math.min(c.report ?? Infinity, time);
    if (caseStatusKind(e.status) === 'closed') c.closeAt = Math.min(c.closeAt ?? Infinity, time);
    if (e.status === 'extended') c.ext.add(e.id);
  }
  for (const c of cases.values()) {
    // The first MAX_EXTENSIONS extension events (by arrival) count; ids are unique so any order gives the same
    // count when there are at most that many.
    if (c.ext.size > MAX_EXTENSIONS) c.ext = new Set([...c.ext].slice(0, MAX_EXTENSIONS));
  }
  const deadlineOf = (c: Case) => {
    const { urgency, category } = c.last;
    let d = slaDeadline(DEFAULT_SLA, c.report ?? c.first, urgency, category);
    for (let i = 0; i < c.ext.size; i++) d = slaDeadline(DEFAULT_SLA, d, urgency === 'urgent' ? 'help' : urgency, category);
    return d;
  };

  const out = new Map<string, ReturnType<typeof batchAreaStats> extends Map<string, infer V> ? V : never>();
  for (const code of ['*', ...opts.areaCodes]) {
    const mine = events.filter((x) => within(code, x.grid));
    const count = (window: WindowName, test: (x: (typeof events)[number]) => boolean, value: (x: (typeof events)[number]) => number = () => 1) =>
      mine.filter((x) => inWindow(x.time, window) && test(x)).reduce((n, x) => n + value(x), 0);
    const kindIs = (...kinds: IngestEvent['kind'][]) => (x: (typeof events)[number]) => kinds.includes(x.event.kind);

    const devs = [...devices.values()].filter((d) => within(code, d.grid));
    const countsOf = (list: Dev[]): DeviceCounts => {
      const c = { total: list.length, online: 0, offline: 0, fault: 0 };
      for (const d of list) c[statusOf(d)]++;
      return c;
    };
    const deviceCounts = countsOf(devs);
    const metric = (type: DeviceType, test: (m: Record<string, number>) => boolean) => devs.filter((d) => d.type === type && test(d.metrics)).length;
    const fillClass = (f: number) => (f < 0.25 ? 0 : f < 0.5 ? 1 : f < 0.75 ? 2 : f < 0.9 ? 3 : 4);

    const myCases = [...cases.values()].filter((c) => within(code, c.grid));
    const open = myCases.filter((c) => caseStatusKind(c.last.status) === 'open');
    const overdue = open.filter((c) => now > deadlineOf(c));
    const reported = myCases.filter((c) => c.report !== undefined && inWindow(c.report, '24h'));
    const closed = myCases.filter((c) => c.closeAt !== undefined && inWindow(c.closeAt, '24h'));
    const closeMs = closed.reduce((n, c) => n + Math.max(0, c.closeAt! - (c.report ?? c.first)), 0);
    const inSla = closed.filter((c) => c.closeAt! <= deadlineOf(c)).length;

    const posts = (window: WindowName) => mine.filter((x) => x.event.kind === 'opinion.post' && inWindow(x.time, window));
    const sentimentOf = (x: (typeof events)[number]) => (x.event.kind === 'opinion.post' ? (x.event.sentiment ?? x.post?.sentiment ?? 0) : 0);
    const mean = (list: typeof events) => (list.length ? Math.round((list.reduce((n, x) => n + sentimentOf(x), 0) / list.length) * 1000) / 1000 : null);
    const negative1h = posts('1h').filter((x) => sentimentOf(x) < NEGATIVE_SENTIMENT).length;
    const metricSum = (type: DeviceType, f: (m: Record<string, number>) => number) =>
      count('1h', (x) => x.event.kind === 'device.telemetry' && x.event.deviceType === type, (x) => (x.event.kind === 'device.telemetry' ? f(x.event.metrics) : 0));
    const r3 = (v: number) => Math.round(v * 1000) / 1000;
    const grids = opts.areaCodes.filter((g) => g.length === 15 && within(code, g)).length;

    out.set(code, {
      code,
      events5m: {
        device: count('5m', kindIs('device.heartbeat', 'device.telemetry')),
        case: count('5m', kindIs('case.updated')),
        opinion: count('5m', kindIs('opinion.post')),
      },
      devices: deviceCounts,
      devicesByType: Object.fromEntries(DEVICE_TYPES.map((t) => [t, countsOf(devs.filter((d) => d.type === t))])) as Record<DeviceType, DeviceCounts>,
      live: {
        parking: { spaces: devs.filter((d) => d.type === 'parking').length, occupied: metric('parking', (m) => m.occupied === 1) },
        binFill: [0, 1, 2, 3, 4].map((k) => metric('bin', (m) => m.fill !== undefined && fillClass(m.fill) === k)) as [number, number, number, number, number],
        doorOpenings1h: metricSum('access', (m) => m.opened ?? 1),
        water1h: r3(metricSum('water', (m) => m.flow_m3 ?? (m.flow_l ?? 0) / 1000)),
        power1h: r3(metricSum('power', (m) => m.kwh ?? 0)),
        smokeAlarms: metric('smoke', (m) => m.smoke === 1),
        sosActive: metric('wearable', (m) => m.sos === 1),
      },
      cases: {
        new24h: reported.length,
        open: open.length,
        overdue: overdue.length,
        closed24h: closed.length,
        meanCloseMs24h: closed.length ? Math.round(closeMs / closed.length) : null,
        slaRate24h: closed.length ? r3(inSla / closed.length) : null,
        bySource24h: Object.fromEntries(CASE_CHANNELS.map((ch) => [ch, reported.filter((c) => c.last.channel === ch).length])) as AreaStats['cases']['bySource24h'],
      },
      opinion: {
        posts1h: posts('1h').length,
        posts24h: posts('24h').length,
        sentiment1h: mean(posts('1h')),
        sentiment24h: mean(posts('24h')),
        negative1h,
      },
      pressure: pressureIndex(deviceCounts, open.length, overdue.length, negative1h, code === '*' ? opts.areaCodes.filter((g) => g.length === 15).length : grids),
    });
  }
  return out;
}

/** Open cases by category class, as the engine lists them. */
export function batchOpenByCategory(inputs: readonly BatchInput[], code: string): { category: string; open: number }[] {
  const last = new Map<string, { e: CaseEvent; s: Stamp; grid: string }>();
  for (const { event: e, grid } of inputs) {
    if (e.kind !== 'case.updated') continue;
    const s: Stamp = [e.time, e.id];
    const prev = last.get(e.caseId);
    if (!prev || after(s, prev.s)) last.set(e.caseId, { e, s, grid });
  }
  const counts = new Map<string, number>();
  for (const { e, grid } of last.values()) {
    if ((code !== '*' && !grid.startsWith(code)) || caseStatusKind(e.status) !== 'open') continue;
    counts.set(categoryClass(e.category), (counts.get(categoryClass(e.category)) ?? 0) + 1);
  }
  return [...counts].map(([category, open]) => ({ category, open })).sort((a, b) => b.open - a.open || a.category.localeCompare(b.category));
}
