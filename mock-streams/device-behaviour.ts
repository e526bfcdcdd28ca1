import type { DeviceType } from '../protocol';
import type { DeviceSpec } from './device-catalogue';
import { DAY_MS, HOUR_MS, MINUTE_MS, localHour, localMidnight, profileAt } from './local-time';
import type { Rng } from './prng';
import { EFFECT_BURST, EFFECT_HEAT, EFFECT_NO_POWER, type ScenarioEffects } from './scenarios';

/** Heartbeat interval per type, seconds (before rate scaling). */
export const HEARTBEAT_S: Readonly<Record<DeviceType, number>> = {
  access: 300,
  parking: 600,
  water: 1800,
  power: 1800,
  bin: 900,
  smoke: 3600,
  wearable: 600,
  camera: 120,
};

/** Periodic telemetry interval per type, seconds (before rate scaling); 0: the type reports events only. */
export const REPORT_S: Readonly<Record<DeviceType, number>> = {
  access: 0,
  parking: 900,
  water: 900,
  power: 900,
  bin: 1800,
  smoke: 7200,
  wearable: 300,
  camera: 0,
};

// Hourly profiles (local time, value at the start of each hour), mean ≈ 1 unless noted.
/** Household water use: breakfast and evening peaks, near zero at night. */
const WATER = [
  0.15, 0.1, 0.08, 0.08, 0.1, 0.3, 1.4, 2.4, 2.0, 1.2, 0.9, 1.1, 1.4, 1.0, 0.8, 0.8, 0.9, 1.3, 1.9, 2.2, 2.0, 1.6, 1.0,
  0.4,
];
/** Household electricity: evening peak, base load at night. */
const POWER = [
  0.5, 0.4, 0.35, 0.35, 0.35, 0.4, 0.8, 1.2, 1.0, 0.8, 0.8, 0.9, 1.1, 0.9, 0.8, 0.8, 0.9, 1.2, 1.7, 2.1, 2.2, 2.0, 1.5,
  0.9,
];
/** Residential parking occupancy (probability, not a rate): full at night, half empty by day. */
const PARKING = [
  0.93, 0.94, 0.95, 0.95, 0.95, 0.93, 0.86, 0.7, 0.52, 0.45, 0.43, 0.45, 0.5, 0.47, 0.44, 0.44, 0.48, 0.58, 0.74, 0.85,
  0.9, 0.92, 0.93, 0.93,
];
/** Door openings per hour for an average entrance: commute peaks 7–9 and 17–19. */
const ACCESS = [1, 0.5, 0.3, 0.3, 0.5, 2, 12, 30, 26, 10, 7, 8, 10, 8, 7, 7, 10, 24, 28, 20, 12, 8, 5, 2];
/** Bin filling (share of capacity per hour for an average bin): meals and evening drop-off. */
const FILL = [
  0.005, 0.003, 0.002, 0.002, 0.003, 0.01, 0.05, 0.08, 0.07, 0.04, 0.03, 0.04, 0.05, 0.04, 0.03, 0.03, 0.04, 0.06, 0.08,
  0.09, 0.08, 0.06, 0.03, 0.01,
];
/** Extra electricity in a heat wave (air conditioning), added to the profile's factor. */
const HEAT_POWER = [
  0.6, 0.5, 0.4, 0.3, 0.3, 0.3, 0.3, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.5, 1.6, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9,
  0.7,
];

export const ACCESS_PEAK_PER_HOUR = Math.max(...ACCESS);
const MEAN_ACCESS_PER_HOUR = ACCESS.reduce((a, b) => a + b, 0) / 24;

/** Litres per hour of an average household (≈ 300 l/day). */
const WATER_L_PER_H = 12.5;
/** kWh per hour of an average household (≈ 8.5 kWh/day). */
const KWH_PER_H = 0.35;
/** Mains pressure in the network, kPa. */
const PRESSURE_KPA = 320;
/** Parking: how fast a space forgets its state (mean dwell ≈ a few hours). */
const PARKING_TAU_MS = 2 * HOUR_MS;
/** Collection rounds at 06:00 and 18:00 (each station a little later, by its offset). */
const COLLECTION_HOURS = [6, 18] as const;
/** Share of collection rounds that miss a bin (it overflows until the next round). */
const MISSED_COLLECTION = 0.04;
/** Elderly households that go quiet (no water) for more than 12 h during a simulation. */
const ABSENCE_SHARE = 0.03;

const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Live state of every device, in typed arrays indexed like the device list (one allocation per field, not
 * per device).
 */
export class DeviceStates {
  readonly lastReport: Float64Array;
  readonly silentUntil: Float64Array;
  readonly faultUntil: Float64Array;
  readonly alarmUntil: Float64Array;
  /** Bin fill, parking occupancy. */
  readonly level: Float64Array;
  /** Meter totals (m³, kWh). */
  readonly total: Float64Array;
  /** Usage factor: household size, bin catchment, entrance traffic. */
  readonly factor: Float64Array;
  /** Per-device constant: resting heart rate, collection offset (h), parking bias. */
  readonly base: Float64Array;
  readonly absentFrom: Float64Array;
  readonly absentTo: Float64Array;

  constructor(devices: readonly DeviceSpec[], start: number, rng: Rng) {
    const n = devices.length;
    this.lastReport = new Float64Array(n).fill(start);
    this.silentUntil = new Float64Array(n);
    this.faultUntil = new Float64Array(n);
    this.alarmUntil = new Float64Array(n);
    this.level = new Float64Array(n);
    this.total = new Float64Array(n);
    this.factor = new Float64Array(n);
    this.base = new Float64Array(n);
    this.absentFrom = new Float64Array(n).fill(Infinity);
    this.absentTo = new Float64Array(n).fill(-Infinity);
    const hour = localHour(start);
    let firstElderlyWater = -1;
    let anyAbsent = false;
    devices.forEach((d, i) => {
      const elderly = d.household?.elderly === true;
      switch (d.type) {
        case 'water':
          this.factor[i] = elderly ? rng.range(0.4, 0.8) : Math.exp(rng.normal(0, 0.35));
          this.total[i] = rng.range(20, 900);
          if (elderly) {
            if (firstElderlyWater < 0) firstElderlyWater = i;
            if (rng.chance(ABSENCE_SHARE)) {
              this.setAbsence(i, start, rng);
              anyAbsent = true;
            }
          }
          break;
        case 'power':
          this.factor[i] = elderly ? rng.range(0.4, 0.8) : Math.exp(rng.normal(0, 0.4));
          this.total[i] = rng.range(500, 30_000);
          break;
        case 'parking':
          this.base[i] = rng.range(-0.08, 0.05);
          this.level[i] = rng.chance(profileAt(PARKING, hour)) ? 1 : 0;
          break;
        case 'bin':
          this.factor[i] = rng.range(0.6, 1.6);
          this.base[i] = rng.range(0, 0.75);
          this.level[i] = rng.range(0.05, 0.5);
          break;
        case 'wearable':
          this.base[i] = rng.normal(72, 6);
          break;
        case 'access':
          this.factor[i] = rng.range(0.4, 1.8);
          break;
      }
    });
    // The absence rule (no water for 12 h in an elderly household) must have something to find.
    if (!anyAbsent && firstElderlyWater >= 0) this.setAbsence(firstElderlyWater, start, rng);
  }

  private setAbsence(i: number, start: number, rng: Rng): void {
    this.absentFrom[i] = start + Math.round(rng.range(1, 8) * HOUR_MS);
    this.absentTo[i] = (this.absentFrom[i] as number) + Math.round(rng.range(13, 20) * HOUR_MS);
  }
}

/** Mean events per second of a device's point processes (door openings), before faults and scenarios. */
export function pointRate(type: DeviceType): number {
  return type === 'access' ? MEAN_ACCESS_PER_HOUR / 3600 : 0;
}

/** Door-opening intensity of entrance `i` at `t`, per hour. */
export function accessRate(s: DeviceStates, i: number, t: number): number {
  return profileAt(ACCESS, localHour(t)) * (s.factor[i] as number);
}

/**
 * Metrics of a periodic report of device `i` at `t`, advancing its state from its previous report.
 * Returns the metrics object to send.
 */
export function reportMetrics(
  d: DeviceSpec,
  i: number,
  t: number,
  s: DeviceStates,
  effects: ScenarioEffects,
  rng: Rng,
): Record<string, number> {
  const last = s.lastReport[i] as number;
  s.lastReport[i] = t;
  const dtH = Math.max(0, t - last) / HOUR_MS;
  const midHour = localHour(t - (t - last) / 2);
  switch (d.type) {
    case 'water':
      return waterMetrics(i, t, dtH, midHour, s, effects, rng);
    case 'power': {
      const fx = effects.at(i, t);
      let kwh = 0;
      if ((fx & EFFECT_NO_POWER) === 0) {
        const heat = (fx & EFFECT_HEAT) !== 0 ? profileAt(HEAT_POWER, midHour) : 0;
        const noise = Math.max(0.2, 1 + 0.2 * rng.normal());
        kwh = KWH_PER_H * (s.factor[i] as number) * (profileAt(POWER, midHour) + heat) * dtH * noise;
      }
      const total = (s.total[i] as number) + kwh;
      s.total[i] = total;
      return { kwh: r3(kwh), total_kwh: r1(total) };
    }
    case 'parking': {
      const p = Math.min(0.98, Math.max(0.02, profileAt(PARKING, localHour(t)) + (s.base[i] as number)));
      const keep = Math.exp(-(dtH * HOUR_MS) / PARKING_TAU_MS);
      const pOccupied = p + ((s.level[i] as number) - p) * keep;
      const occupied = rng.chance(pOccupied) ? 1 : 0;
      s.level[i] = occupied;
      return { occupied };
    }
    case 'bin':
      return { fill: r2(binFill(i, last, t, s, rng)) };
    case 'smoke':
      return { smoke: t < (s.alarmUntil[i] as number) ? 1 : 0 };
    case 'wearable':
      return { heart_rate: heartRate(i, t, s, effects, rng), sos: 0 };
    default:
      return {};
  }
}

function waterMetrics(
  i: number,
  t: number,
  dtH: number,
  midHour: number,
  s: DeviceStates,
  effects: ScenarioEffects,
  rng: Rng,
): Record<string, number> {
  const absent = t > (s.absentFrom[i] as number) && t <= (s.absentTo[i] as number);
  let flow = 0;
  if (!absent) {
    const noise = Math.max(0, 1 + 0.35 * rng.normal());
    flow = WATER_L_PER_H * (s.factor[i] as number) * profileAt(WATER, midHour) * dtH * noise;
  }
  let pressure = PRESSURE_KPA + 6 * rng.normal();
  const burstFrom = effects.since(i, t, EFFECT_BURST);
  if (!Number.isNaN(burstFrom)) {
    // First half hour: the main pours out (meters near it see a surge); then the valves close for repair.
    const early = t - burstFrom < 30 * MINUTE_MS;
    flow = early ? flow * 6 + 40 * dtH : flow * 0.05;
    pressure = early ? rng.range(60, 120) : rng.range(0, 40);
    const total = (s.total[i] as number) + flow / 1000;
    s.total[i] = total;
    return { flow_l: r1(flow), total_m3: r3(total), pressure_kpa: Math.round(pressure), leak: 1 };
  }
  const total = (s.total[i] as number) + flow / 1000;
  s.total[i] = total;
  return { flow_l: r1(flow), total_m3: r3(total), pressure_kpa: Math.round(pressure) };
}

function heartRate(i: number, t: number, s: DeviceStates, effects: ScenarioEffects, rng: Rng): number {
  const h = localHour(t);
  const asleep = h >= 23 || h < 6;
  let hr = (s.base[i] as number) + (asleep ? -9 : 0) + 3.5 * rng.normal();
  if ((effects.at(i, t) & EFFECT_HEAT) !== 0) hr += 9;
  if (t < (s.alarmUntil[i] as number)) hr += 28;
  return Math.round(Math.min(190, Math.max(38, hr)));
}

/** Next collection round after `t` for a station running `offsetH` hours late. */
export function nextCollection(t: number, offsetH: number): number {
  const midnight = localMidnight(t);
  for (let day = 0; day < 2; day++) {
    for (const h of COLLECTION_HOURS) {
      const at = midnight + day * DAY_MS + Math.round((h + offsetH) * HOUR_MS);
      if (at > t) return at;
    }
  }
  return midnight + 2 * DAY_MS;
}

function binFill(i: number, last: number, t: number, s: DeviceStates, rng: Rng): number {
  let fill = s.level[i] as number;
  let from = last;
  const offset = s.base[i] as number;
  let round = nextCollection(last, offset);
  let lastRound = NaN;
  while (round <= t) {
    lastRound = round;
    round = nextCollection(round, offset);
  }
  if (!Number.isNaN(lastRound) && !rng.chance(MISSED_COLLECTION)) {
    fill = rng.range(0, 0.04);
    from = lastRound;
  }
  const dtH = (t - from) / HOUR_MS;
  fill = Math.min(1, fill + profileAt(FILL, localHour(from + (t - from) / 2)) * (s.factor[i] as number) * dtH);
  s.level[i] = fill;
  return fill;
}
