/**
 * `npm run bench -- alerts [--minutes n]` — the alert engine's cost per hub tick (250 ms): the built-in district
 * (100 grids), 10,000 simulated devices through the real pipeline and Aggregator, the shipped default rules,
 * a water-main burst and a power cut under way (so alerts are live and compound rules have parts). Only
 * `engine.evaluate` is timed; scanning rules (absence, metric ratios, per-case SLA) run in the ticks that fall
 * due (every 10 s of clock), so the figure includes them.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createAlertEngine } from '../server/alerts/alert-engine';
import { createSimRig, loadDefaultRules } from '../test/alerts/sim-rig';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '20' } } });
const H = 3_600_000;
const TICK_MS = 250;
const START = Date.UTC(2026, 10, 24, 0, 0, 0); // Tuesday 08:00 Asia/Shanghai
const rig = createSimRig(START);
const communities = rig.district.areas.filter((a) => a.level === 'community').map((a) => a.code);
const grid = rig.district.areas.find((a) => a.level === 'grid')!.code;
const sim = rig.simulation({
  seed: 21,
  start: START,
  deviceCount: 10_000,
  scenarios: [
    { name: 'water-main-burst', start: START + H, durationMs: 2 * H, area: grid },
    { name: 'power-cut', start: START + H, durationMs: 2 * H, area: communities[3]! },
  ],
});
const engine = createAlertEngine({ rules: loadDefaultRules().rules });
const inputs = rig.inputs();
// Warm-up: 75 min of events, evaluated each minute, so devices, cases and alerts are in place.
rig.run(sim, START + 75 * 60_000, 60_000, (now) => engine.evaluate(now, inputs));

const samples: number[] = [];
rig.run(sim, sim.now + Number(values.minutes) * 60_000, TICK_MS, (now) => {
  const t = performance.now();
  engine.evaluate(now, inputs);
  samples.push(performance.now() - t);
});
samples.sort((a, b) => a - b);
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
const round = (v: number) => Math.round(v * 1000) / 1000;
console.log(
  JSON.stringify({
    metric: 'alerts.evaluate_ms_per_tick',
    value: round(mean),
    unit: 'ms',
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(samples.at(-1)!),
    ticks: samples.length,
    rules: engine.rules.length,
    grids: rig.district.areas.filter((a) => a.level === 'grid').length,
    devices: rig.aggregator.devices.size,
    liveAlerts: engine.alerts().length,
    cpuShareOfTick: round(mean / TICK_MS),
  }),
);
