import type { District } from '../geo/district.types';
import type { DeviceSpec } from './device-catalogue';
import type { Rng } from './prng';

/** The incidents a simulation can stage on top of a normal day. */
export const SCENARIO_NAMES = ['water-main-burst', 'power-cut', 'device-outage', 'heat-wave'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** An incident to stage: what, when (epoch ms) and where (an area code; a default is chosen when absent). */
export interface ScenarioSpec {
  name: ScenarioName;
  start: number;
  durationMs: number;
  /** Street, community or grid code; default: a grid (burst), a community (power cut), everywhere (others). */
  area?: string;
}

/** A scenario with its area decided. */
export interface ResolvedScenario extends ScenarioSpec {
  area: string;
}

/** What a scenario does to one device, as a bit. */
export const EFFECT_SILENT = 1;
export const EFFECT_BURST = 2;
export const EFFECT_NO_POWER = 4;
export const EFFECT_HEAT = 8;

interface DeviceEffect {
  bit: number;
  from: number;
  to: number;
}

/** Share of the devices in the area that fall silent in a device outage (a failed gateway or LoRa cell). */
const OUTAGE_SHARE = 0.35;
/** Device types that lose mains power in a power cut and go offline. */
const MAINS_POWERED = new Set<DeviceSpec['type']>(['access', 'camera', 'parking']);

/**
 * Per-device scenario effects, indexed by device. Most devices have none, so the hot path costs one array
 * read; devices inside a scenario carry a short list of time windows.
 */
export class ScenarioEffects {
  private readonly byDevice: (DeviceEffect[] | undefined)[];

  constructor(deviceCount: number) {
    this.byDevice = new Array<DeviceEffect[] | undefined>(deviceCount).fill(undefined);
  }

  add(device: number, bit: number, from: number, to: number): void {
    const list = this.byDevice[device] ?? (this.byDevice[device] = []);
    list.push({ bit, from, to });
  }

  /** Bitmask of the effects on `device` at `t`. */
  at(device: number, t: number): number {
    const list = this.byDevice[device];
    if (list === undefined) return 0;
    let bits = 0;
    for (const e of list) if (t >= e.from && t < e.to) bits |= e.bit;
    return bits;
  }

  /** Start of the effect window of `bit` that holds `t`, or NaN. */
  since(device: number, t: number, bit: number): number {
    const list = this.byDevice[device];
    if (list !== undefined) for (const e of list) if (e.bit === bit && t >= e.from && t < e.to) return e.from;
    return NaN;
  }
}

/** Checks a scenario list against a district and picks default areas (deterministically, from `rng`). */
export function resolveScenarios(specs: readonly ScenarioSpec[], district: District, rng: Rng): ResolvedScenario[] {
  const codes = new Set(district.areas.map((a) => a.code));
  const grids = district.areas.filter((a) => a.level === 'grid').map((a) => a.code);
  const communities = district.areas.filter((a) => a.level === 'community').map((a) => a.code);
  return specs.map((spec) => {
    if (!(SCENARIO_NAMES as readonly string[]).includes(spec.name)) {
      throw new Error(`unknown scenario "${String(spec.name)}"; expected one of ${SCENARIO_NAMES.join(', ')}`);
    }
    if (!Number.isFinite(spec.start) || !(spec.durationMs > 0)) {
      throw new Error(`scenario ${spec.name}: start must be epoch ms and durationMs > 0`);
    }
    if (spec.area !== undefined && !codes.has(spec.area)) {
      throw new Error(`scenario ${spec.name}: area ${spec.area} is not in district ${district.code}`);
    }
    let area = spec.area;
    if (area === undefined) {
      if (spec.name === 'water-main-burst' && grids.length > 0) area = rng.pick(grids);
      else if (spec.name === 'power-cut' && communities.length > 0) area = rng.pick(communities);
      else area = district.code;
    }
    return { ...spec, area };
  });
}

/** Marks every device a scenario touches, with the window in which it does. */
export function applyScenarioEffects(
  scenarios: readonly ResolvedScenario[],
  devices: readonly DeviceSpec[],
  effects: ScenarioEffects,
  rng: Rng,
): void {
  for (const s of scenarios) {
    const from = s.start;
    const to = s.start + s.durationMs;
    devices.forEach((d, i) => {
      if (!d.grid.startsWith(s.area)) return;
      switch (s.name) {
        case 'water-main-burst':
          if (d.type === 'water') effects.add(i, EFFECT_BURST, from, to);
          break;
        case 'power-cut':
          if (d.type === 'power') effects.add(i, EFFECT_NO_POWER, from, to);
          else if (MAINS_POWERED.has(d.type)) effects.add(i, EFFECT_SILENT, from, to);
          break;
        case 'device-outage':
          if (rng.chance(OUTAGE_SHARE)) effects.add(i, EFFECT_SILENT, from, to);
          break;
        case 'heat-wave':
          if (d.type === 'power' || d.type === 'wearable') effects.add(i, EFFECT_HEAT, from, to);
          break;
      }
    });
  }
}
