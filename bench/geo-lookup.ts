/**
 * Point → grid and point → building lookups per second on one core (DESIGN §8, aggregation budget).
 * Run: node --import tsx bench/geo-lookup.ts. Prints one JSON line per metric: the median of 5 runs of
 * 1,000,000 seeded random points inside the built-in district's bbox.
 */
import { builtinDistrict } from '../geo/district';
import { createGridIndex } from '../geo/grid-index';
import { createRng } from '../geo/builtin/lattice';

const POINTS = 1_000_000;
const RUNS = 5;

const district = builtinDistrict();
const index = createGridIndex(district);
const [w, s, e, n] = district.bbox;
const rng = createRng(42);
const xs = new Float64Array(POINTS);
const ys = new Float64Array(POINTS);
for (let k = 0; k < POINTS; k++) {
  xs[k] = w + (e - w) * rng();
  ys[k] = s + (n - s) * rng();
}

function measure(lookup: (x: number, y: number) => unknown): { opsPerSec: number; hits: number } {
  const rates: number[] = [];
  let hits = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    hits = 0;
    const t0 = performance.now();
    for (let k = 0; k < POINTS; k++) if (lookup(xs[k] as number, ys[k] as number) !== undefined) hits++;
    const ms = performance.now() - t0;
    // The first run warms the JIT and is not counted.
    if (run > 0) rates.push(POINTS / (ms / 1000));
  }
  rates.sort((a, b) => a - b);
  return { opsPerSec: Math.round(rates[Math.floor(RUNS / 2)] as number), hits };
}

const grid = measure((x, y) => index.gridAt(x, y));
console.log(
  JSON.stringify({
    metric: 'geo.grid_lookups_per_s',
    value: grid.opsPerSec,
    unit: 'ops/s',
    hitRatio: grid.hits / POINTS,
  }),
);
const building = measure((x, y) => index.buildingAt(x, y));
console.log(
  JSON.stringify({
    metric: 'geo.building_lookups_per_s',
    value: building.opsPerSec,
    unit: 'ops/s',
    hitRatio: building.hits / POINTS,
  }),
);
