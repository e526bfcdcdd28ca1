/**
 * Measures how fast the simulation produces events on one core, with the built-in district and 10,000 devices.
 * Prints one JSON line per case: events, wall and CPU milliseconds, events per CPU second.
 *
 * Usage: npx tsx mock-streams/scripts/measure-simulation.ts
 */
import { builtinDistrict } from '../../geo/district';
import { HOUR_MS } from '../local-time';
import { createSimulation } from '../simulation';

/** 2025-06-10 00:00 in Shanghai. */
const START = Date.UTC(2025, 5, 9, 16, 0, 0);

const cases = [
  { name: 'rate 100,000/s, 30 s in 1 s steps', rate: 100_000, spanMs: 30_000, stepMs: 1000 },
  { name: 'natural rate, 24 h in 10 min steps', rate: undefined, spanMs: 24 * HOUR_MS, stepMs: 600_000 },
];

for (const c of cases) {
  const sim = createSimulation({
    seed: 7,
    district: builtinDistrict(),
    start: START,
    deviceCount: 10_000,
    rate: c.rate,
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let events = 0;
  for (let t = START; t < START + c.spanMs; t += c.stepMs) events += sim.advance(t + c.stepMs).length;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const line = {
    case: c.name,
    events,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    eventsPerCpuSecond: Math.round((events / cpuMs) * 1000),
    eventsPerWallSecond: Math.round((events / wallMs) * 1000),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
