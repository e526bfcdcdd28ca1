import type { CaseSeed } from './case-generator';
import type { DeviceSpec } from './device-catalogue';
import { HOUR_MS, MINUTE_MS } from './local-time';
import { SCENARIO_TOPICS } from './opinion-corpus';
import type { PostSeed } from './opinion-generator';
import type { Rng } from './prng';
import type { ResolvedScenario } from './scenarios';

/** Something a scenario files at a fixed time, besides what it does to device telemetry. */
export type PlannedItem =
  | { t: number; kind: 'case'; seed: CaseSeed }
  | { t: number; kind: 'post'; seed: PostSeed }
  /** An SOS or fall of a wearable (index into the device list). */
  | { t: number; kind: 'wearable-alert'; device: number };

const ANGRY = [0.8, 0.15, 0.05] as const;

/** The cases, posts and extra alarms of one scenario, planned once up front (deterministic for the rng). */
export function planScenario(s: ResolvedScenario, devices: readonly DeviceSpec[], rng: Rng): PlannedItem[] {
  const end = s.start + s.durationMs;
  const items: PlannedItem[] = [];
  const within = (t: number): number => Math.round(Math.min(end - 1, Math.max(s.start, t)));
  // People need a few minutes to notice, call and post.
  const soon = (meanMin: number): number => within(s.start + (2 + rng.exponential(meanMin)) * MINUTE_MS);
  const area = s.area;
  const hours = s.durationMs / HOUR_MS;

  switch (s.name) {
    case 'water-main-burst': {
      items.push({
        t: within(s.start + rng.range(3, 12) * MINUTE_MS),
        kind: 'case',
        seed: { category: 'SJ0402', urgency: 'urgent', channel: 'hotline', area },
      });
      for (let i = rng.int(2, 4); i > 0; i--)
        items.push({
          t: soon(40),
          kind: 'case',
          seed: { category: 'SJ0408', urgency: rng.chance(0.6) ? 'urgent' : 'help', area },
        });
      items.push({ t: soon(60), kind: 'case', seed: { category: 'SJ0405', channel: 'patrol', urgency: 'help', area } });
      for (let i = 25 + rng.poisson(15); i > 0; i--)
        items.push({
          t: soon(55),
          kind: 'post',
          seed: { topic: SCENARIO_TOPICS.burst, polarity: ANGRY, area, located: true },
        });
      break;
    }
    case 'power-cut': {
      for (let i = rng.int(2, 4); i > 0; i--)
        items.push({ t: soon(20), kind: 'case', seed: { category: 'SJ0407', urgency: 'urgent', area } });
      if (rng.chance(0.7))
        items.push({
          t: soon(15),
          kind: 'case',
          seed: { category: 'SJ0409', urgency: 'urgent', channel: 'hotline', area },
        });
      for (let i = 18 + rng.poisson(10); i > 0; i--)
        items.push({
          t: soon(45),
          kind: 'post',
          seed: { topic: SCENARIO_TOPICS.power, polarity: ANGRY, area, located: true },
        });
      break;
    }
    case 'heat-wave': {
      const wearables = devices.flatMap((d, i) => (d.type === 'wearable' && d.grid.startsWith(area) ? [i] : []));
      // About 12× the normal SOS/fall rate (normal: one per wearable per 60 days).
      const alerts = rng.poisson((wearables.length * (s.durationMs / (24 * HOUR_MS)) * 12) / 60);
      for (let i = 0; i < alerts && wearables.length > 0; i++) {
        items.push({
          t: within(s.start + rng.float() * s.durationMs),
          kind: 'wearable-alert',
          device: rng.pick(wearables),
        });
      }
      for (let i = rng.poisson(hours * 2); i > 0; i--) {
        items.push({
          t: within(s.start + rng.float() * s.durationMs),
          kind: 'post',
          seed: { topic: SCENARIO_TOPICS.heat, polarity: [0.6, 0.3, 0.1], area },
        });
      }
      for (let i = rng.poisson(hours / 4); i > 0; i--) {
        items.push({
          t: within(s.start + rng.float() * s.durationMs),
          kind: 'case',
          seed: { category: 'SJ0410', area },
        });
      }
      break;
    }
    case 'device-outage': {
      for (let i = rng.int(1, 2); i > 0; i--)
        items.push({ t: soon(90), kind: 'case', seed: { category: 'BJ0603', channel: 'patrol', area } });
      break;
    }
  }
  return items.sort((a, b) => a.t - b.t);
}
