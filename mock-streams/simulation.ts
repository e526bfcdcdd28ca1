import {
  DEVICE_TYPES,
  type CaseEvent,
  type DeviceTelemetry,
  type DeviceType,
  type IngestEvent,
  type OpinionPost,
} from '../protocol';
import type { District } from '../geo/district.types';
import { createGridIndex } from '../geo/grid-index';
import { CASE_PROFILE, CASES_PER_GRID_PER_DAY, CaseGenerator, type SimCase } from './case-generator';
import { placeDevices, type DeviceSpec } from './device-catalogue';
import {
  ACCESS_PEAK_PER_HOUR,
  DeviceStates,
  HEARTBEAT_S,
  REPORT_S,
  accessRate,
  pointRate,
  reportMetrics,
} from './device-behaviour';
import { EventQueue, type Task } from './event-queue';
import { DAY_MS, HOUR_MS, MINUTE_MS, localHour, profileAt } from './local-time';
import { OPINION_PROFILE, OpinionGenerator, POSTS_PER_GRID_PER_DAY, type ComposedPost } from './opinion-generator';
import { Places } from './places';
import { createRng, type Rng } from './prng';
import { planScenario, type PlannedItem } from './scenario-plan';
import {
  EFFECT_NO_POWER,
  EFFECT_SILENT,
  ScenarioEffects,
  applyScenarioEffects,
  resolveScenarios,
  type ResolvedScenario,
  type ScenarioSpec,
} from './scenarios';

export interface SimulationOptions {
  seed: number;
  district: District;
  /** Epoch ms the simulation starts at. */
  start: number;
  /** Devices to place; default 10,000. */
  deviceCount?: number;
  /**
   * Target events per second (typically 10 to 100,000); default: the natural rate of the population. Scales how
   * often devices heartbeat and report; door openings, alarms, cases and posts keep their natural rates.
   */
  rate?: number;
  scenarios?: ScenarioSpec[];
}

/** A deterministic simulated district: devices, cases and opinion, advanced in event time. */
export interface Simulation {
  readonly devices: readonly DeviceSpec[];
  /** Epoch ms up to which events have been produced. */
  readonly now: number;
  /** The scenarios with their areas decided. */
  readonly scenarios: readonly ResolvedScenario[];
  /** Expected events per second of the device population without rate scaling. */
  readonly naturalRate: number;
  /** Expected events per second after rate scaling (what `rate` asked for, when given). */
  readonly expectedRate: number;
  /** Mean heartbeat interval per device type after rate scaling, seconds (what offline timeouts should allow for). */
  readonly heartbeatS: Readonly<Record<DeviceType, number>>;
  /** Every event with time in [now, to), sorted by time (ties in a fixed order); then now = to. */
  advance(to: number): IngestEvent[];
}

const DEFAULT_DEVICES = 10_000;
const MAX_RATE = 100_000;
const SOURCE_IOT = 'sim-iot';
const SOURCE_CASES = 'sim-cases';
const SOURCE_OPINION = 'sim-opinion';

// Task kinds.
const K_HEARTBEAT = 0;
const K_REPORT = 1;
const K_ACCESS = 2;
const K_FAULT = 3;
const K_FAULT_CLEAR = 4;
const K_OUTAGE = 5;
const K_SMOKE = 6;
const K_WEARABLE = 7;
const K_ALARM_CLEAR = 8;
const K_CASE_NEW = 9;
const K_CASE_STEP = 10;
const K_POST = 11;
const K_PLANNED = 12;

/** Mean days between faults / outages of one device, and the alarm rates (one per device per N days). */
const FAULT_EVERY_DAYS = 30;
const OUTAGE_EVERY_DAYS = 15;
const SMOKE_ALARM_EVERY_DAYS = 365;
const WEARABLE_ALERT_EVERY_DAYS = 60;
/** Events a case emits over its lifecycle, on average (for the expected rate). */
const EVENTS_PER_CASE = 5.6;

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const CASE_PEAK = Math.max(...CASE_PROFILE);
const OPINION_PEAK = Math.max(...OPINION_PROFILE);

export function createSimulation(opts: SimulationOptions): Simulation {
  const { seed, district, start } = opts;
  if (!Number.isInteger(start)) throw new RangeError(`start must be integer epoch ms, got ${start}`);
  const deviceCount = opts.deviceCount ?? DEFAULT_DEVICES;
  if (!Number.isInteger(deviceCount) || deviceCount < 0)
    throw new RangeError(`deviceCount must be a non-negative integer`);
  if (opts.rate !== undefined && !(opts.rate > 0 && opts.rate <= MAX_RATE)) {
    throw new RangeError(`rate must be in (0, ${MAX_RATE}] events/s, got ${opts.rate}`);
  }

  const root = createRng(seed);
  const placeRng = root.fork();
  const scenarioRng = root.fork();
  const rng: Rng = root.fork();
  const devices = placeDevices(district, deviceCount, placeRng, createGridIndex(district));
  const n = devices.length;
  const state = new DeviceStates(devices, start, placeRng);
  const effects = new ScenarioEffects(n);
  const scenarios = resolveScenarios(opts.scenarios ?? [], district, scenarioRng);
  applyScenarioEffects(scenarios, devices, effects, scenarioRng);
  const planned: PlannedItem[] = scenarios.flatMap((s) => planScenario(s, devices, scenarioRng));

  const places = new Places(district);
  const idBase = `sim-${seed}-${start.toString(36)}`;
  const cases = new CaseGenerator(places, rng, idBase);
  const opinion = new OpinionGenerator(places, rng);
  const gridCount = district.areas.filter((a) => a.level === 'grid').length;
  const byType = (type: DeviceSpec['type']): number[] => devices.flatMap((d, i) => (d.type === type ? [i] : []));
  const smokes = byType('smoke');
  const wearables = byType('wearable');

  // Expected rates, per second: periodic (scaled by `rate`) and the rest.
  let periodic = 0;
  let point = 0;
  for (const d of devices) {
    periodic += 1 / HEARTBEAT_S[d.type] + (REPORT_S[d.type] > 0 ? 1 / REPORT_S[d.type] : 0);
    point += pointRate(d.type);
  }
  const perDay = (count: number, everyDays: number): number => count / (everyDays * 86_400);
  const faultRate = perDay(n, FAULT_EVERY_DAYS);
  const smokeRate = perDay(smokes.length, SMOKE_ALARM_EVERY_DAYS);
  const wearableRate = perDay(wearables.length, WEARABLE_ALERT_EVERY_DAYS);
  const caseRate = (gridCount * CASES_PER_GRID_PER_DAY) / 86_400;
  const postRate = (gridCount * POSTS_PER_GRID_PER_DAY) / 86_400;
  point += 2 * (faultRate + smokeRate + wearableRate) + caseRate * EVENTS_PER_CASE + postRate;
  const naturalRate = periodic + point;
  const scale = opts.rate === undefined ? 1 : Math.max(1e-3, (opts.rate - point) / Math.max(periodic, 1e-9));
  const expectedRate = periodic * scale + point;

  const queue = new EventQueue();
  const task = (t: number, kind: number, ref = 0, data: unknown = undefined): Task => ({
    t: Math.round(t),
    seq: 0,
    kind,
    ref,
    data,
  });
  // Per-device intervals, ms, looked up on every heartbeat and report.
  const hbInterval = Float64Array.from(devices, (d) => (HEARTBEAT_S[d.type] * 1000) / scale);
  const repInterval = Float64Array.from(devices, (d) => (REPORT_S[d.type] * 1000) / scale);
  const hbMs = (i: number): number => hbInterval[i] as number;
  const repMs = (i: number): number => repInterval[i] as number;

  for (let i = 0; i < n; i++) {
    const d = devices[i] as DeviceSpec;
    queue.push(task(start + rng.float() * hbMs(i), K_HEARTBEAT, i));
    if (REPORT_S[d.type] > 0) {
      const first = start + rng.float() * repMs(i);
      state.lastReport[i] = first - repMs(i);
      queue.push(task(first, K_REPORT, i));
    }
    if (d.type === 'access') queue.push(task(start + rng.exponential(accessGapMs(i)), K_ACCESS, i));
  }
  const globals: [number, number][] = [
    [K_FAULT, faultRate],
    [K_OUTAGE, perDay(n, OUTAGE_EVERY_DAYS)],
    [K_SMOKE, smokeRate],
    [K_WEARABLE, wearableRate],
    [K_CASE_NEW, caseRate * (CASE_PEAK / mean(CASE_PROFILE))],
    [K_POST, postRate * (OPINION_PEAK / mean(OPINION_PROFILE))],
  ];
  // Mean gap (ms) of each global Poisson process; case and post arrivals are thinned by their daily profile.
  const gapMs = new Map<number, number>();
  for (const [kind, perSecond] of globals) {
    if (perSecond <= 0) continue;
    gapMs.set(kind, 1000 / perSecond);
    queue.push(task(start + rng.exponential(1000 / perSecond), kind));
  }
  for (const item of planned) queue.push(task(item.t, K_PLANNED, 0, item));

  function accessGapMs(i: number): number {
    return HOUR_MS / (ACCESS_PEAK_PER_HOUR * (state.factor[i] as number));
  }

  let now = start;
  let counter = 0;
  let out: IngestEvent[] = [];
  const nextId = (): string => `${idBase}-${(counter++).toString(36)}`;

  const silent = (i: number, t: number): boolean =>
    t < (state.silentUntil[i] as number) || (effects.at(i, t) & EFFECT_SILENT) !== 0;

  function heartbeat(i: number, t: number): void {
    const d = devices[i] as DeviceSpec;
    out.push({
      v: 1,
      id: nextId(),
      source: SOURCE_IOT,
      time: t,
      lon: d.lon,
      lat: d.lat,
      grid: d.grid,
      kind: 'device.heartbeat',
      deviceId: d.id,
      deviceType: d.type,
    });
  }

  function telemetry(i: number, t: number, metrics: Record<string, number>, fault?: boolean): void {
    const d = devices[i] as DeviceSpec;
    const e: DeviceTelemetry = {
      v: 1,
      id: nextId(),
      source: SOURCE_IOT,
      time: t,
      lon: d.lon,
      lat: d.lat,
      grid: d.grid,
      kind: 'device.telemetry',
      deviceId: d.id,
      deviceType: d.type,
      metrics,
    };
    if (fault !== undefined) e.fault = fault;
    out.push(e);
  }

  function caseEvent(c: SimCase, t: number): void {
    const step = c.steps[c.next++];
    if (step === undefined) return;
    const e: CaseEvent = {
      v: 1,
      id: nextId(),
      source: SOURCE_CASES,
      time: t,
      lon: c.place.lon,
      lat: c.place.lat,
      grid: c.place.grid,
      kind: 'case.updated',
      caseId: c.id,
      status: step.status,
      category: c.category,
      channel: c.channel,
      urgency: c.urgency,
      title: c.title,
    };
    out.push(e);
    const next = c.steps[c.next];
    if (next !== undefined) queue.push(task(next.t, K_CASE_STEP, 0, c));
  }

  function post(p: ComposedPost, t: number): void {
    const e: OpinionPost = {
      v: 1,
      id: nextId(),
      source: SOURCE_OPINION,
      time: t,
      kind: 'opinion.post',
      channel: p.channel,
      text: p.text,
    };
    if (p.place) {
      e.lon = p.place.lon;
      e.lat = p.place.lat;
      e.grid = p.place.grid;
    }
    if (p.sentiment !== undefined) e.sentiment = p.sentiment;
    out.push(e);
  }

  function alarm(i: number, t: number, fall: boolean): void {
    if (silent(i, t) || t < (state.alarmUntil[i] as number)) return;
    const d = devices[i] as DeviceSpec;
    if (d.type === 'smoke') {
      state.alarmUntil[i] = t + Math.round(rng.range(2, 15) * MINUTE_MS);
      telemetry(i, t, { smoke: 1 });
    } else {
      state.alarmUntil[i] = t + Math.round(rng.range(5, 30) * MINUTE_MS);
      const heartRate = reportMetrics(d, i, t, state, effects, rng).heart_rate ?? 100;
      telemetry(i, t, fall ? { heart_rate: heartRate, sos: 0, fall: 1 } : { heart_rate: heartRate, sos: 1 });
    }
    queue.push(task(state.alarmUntil[i] as number, K_ALARM_CLEAR, i));
  }

  function run(tk: Task): void {
    const t = tk.t;
    const i = tk.ref;
    switch (tk.kind) {
      case K_HEARTBEAT:
        if (!silent(i, t)) heartbeat(i, t);
        tk.t = Math.round(t + hbMs(i) * rng.range(0.95, 1.05));
        queue.push(tk);
        return;
      case K_REPORT:
        // A silent or faulty device skips the report; its meter keeps counting, so the next report covers the gap.
        if (!silent(i, t) && t >= (state.faultUntil[i] as number)) {
          telemetry(i, t, reportMetrics(devices[i] as DeviceSpec, i, t, state, effects, rng));
        }
        tk.t = Math.round(t + repMs(i) * rng.range(0.9, 1.1));
        queue.push(tk);
        return;
      case K_ACCESS:
        // Thinning: candidates at the peak rate, accepted by the rate of the hour.
        if (rng.float() * ACCESS_PEAK_PER_HOUR * (state.factor[i] as number) < accessRate(state, i, t)) {
          if (!silent(i, t) && t >= (state.faultUntil[i] as number) && (effects.at(i, t) & EFFECT_NO_POWER) === 0) {
            telemetry(i, t, { opened: 1 });
          }
        }
        tk.t = Math.round(t + Math.max(1, rng.exponential(accessGapMs(i))));
        queue.push(tk);
        return;
      case K_FAULT: {
        const d = rng.int(0, n - 1);
        if (!silent(d, t) && t >= (state.faultUntil[d] as number)) {
          state.faultUntil[d] =
            t + Math.round(Math.min(24 * HOUR_MS, Math.max(20 * MINUTE_MS, rng.exponential(4 * HOUR_MS))));
          telemetry(d, t, {}, true);
          queue.push(task(state.faultUntil[d] as number, K_FAULT_CLEAR, d));
        }
        break;
      }
      case K_FAULT_CLEAR:
        if (!silent(i, t)) telemetry(i, t, {}, false);
        return;
      case K_OUTAGE: {
        const d = rng.int(0, n - 1);
        const until = t + Math.round(Math.min(12 * HOUR_MS, Math.max(10 * MINUTE_MS, rng.exponential(90 * MINUTE_MS))));
        if (until > (state.silentUntil[d] as number)) state.silentUntil[d] = until;
        break;
      }
      case K_SMOKE:
        alarm(rng.pick(smokes), t, false);
        break;
      case K_WEARABLE:
        alarm(rng.pick(wearables), t, rng.chance(0.35));
        break;
      case K_ALARM_CLEAR: {
        if (silent(i, t)) return;
        const d = devices[i] as DeviceSpec;
        if (d.type === 'smoke') telemetry(i, t, { smoke: 0 });
        else
          telemetry(i, t, {
            heart_rate: reportMetrics(d, i, t, state, effects, rng).heart_rate ?? 75,
            sos: 0,
            fall: 0,
          });
        return;
      }
      case K_CASE_NEW:
        if (rng.float() * CASE_PEAK < profileAt(CASE_PROFILE, localHour(t))) caseEvent(cases.create(t), t);
        break;
      case K_CASE_STEP:
        caseEvent(tk.data as SimCase, t);
        return;
      case K_POST:
        if (rng.float() * OPINION_PEAK < profileAt(OPINION_PROFILE, localHour(t))) post(opinion.compose(), t);
        break;
      case K_PLANNED: {
        const item = tk.data as PlannedItem;
        if (item.kind === 'case') caseEvent(cases.create(t, item.seed), t);
        else if (item.kind === 'post') post(opinion.compose(item.seed), t);
        else alarm(item.device, t, rng.chance(0.35));
        return;
      }
    }
    // Global Poisson processes reschedule themselves.
    tk.t = Math.round(t + Math.max(1, rng.exponential(gapMs.get(tk.kind) ?? DAY_MS)));
    queue.push(tk);
  }

  const heartbeatS = Object.fromEntries(
    DEVICE_TYPES.map((t) => [t, Math.round((HEARTBEAT_S[t] / scale) * 10) / 10]),
  ) as Record<DeviceType, number>;

  return {
    devices,
    scenarios,
    naturalRate,
    expectedRate,
    heartbeatS,
    get now() {
      return now;
    },
    advance(to: number): IngestEvent[] {
      if (!(to >= now)) throw new RangeError(`advance(${to}) is before now (${now})`);
      out = [];
      for (let top = queue.peek(); top !== undefined && top.t < to; top = queue.peek()) run(queue.pop() as Task);
      now = to;
      return out;
    },
  };
}
