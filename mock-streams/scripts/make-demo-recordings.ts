/**
 * Generates the two shipped demo recordings from the built-in district:
 *   normal-day.ndjson.gz    — an ordinary Tuesday
 *   incident-day.ndjson.gz  — the same kind of day with a water-main burst mid-morning and a power cut at night
 * Deterministic: running it again rewrites byte-identical files.
 *
 * Usage: npx tsx mock-streams/scripts/make-demo-recordings.ts [--out <dir>]
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinDistrict } from '../../geo/district';
import type { District } from '../../geo/district.types';
import { HOUR_MS, MINUTE_MS } from '../local-time';
import { generateRecording } from '../recording';
import type { ScenarioSpec } from '../scenarios';

/** 2025-06-10 (a Tuesday) 00:00 in Shanghai. */
const DAY_START = Date.UTC(2025, 5, 9, 16, 0, 0);
const DAY_MS = 24 * HOUR_MS;
/** A small population and a low rate keep a whole day under 5 MB while every feed stays busy. */
const DEVICES = 1500;
const RATE = 2.2;

function incidents(district: District): ScenarioSpec[] {
  const communities = district.areas.filter((a) => a.level === 'community');
  const grids = district.areas.filter((a) => a.level === 'grid');
  const burstCommunity = communities[2] ?? communities[0];
  const burstGrid =
    grids.find((g) => burstCommunity !== undefined && g.code.startsWith(burstCommunity.code)) ?? grids[0];
  const cutCommunity = communities[5] ?? communities.at(-1);
  const specs: ScenarioSpec[] = [
    { name: 'water-main-burst', start: DAY_START + 10 * HOUR_MS + 20 * MINUTE_MS, durationMs: 5 * HOUR_MS },
    { name: 'power-cut', start: DAY_START + 19 * HOUR_MS + 30 * MINUTE_MS, durationMs: 2 * HOUR_MS + 30 * MINUTE_MS },
  ];
  if (burstGrid) (specs[0] as ScenarioSpec).area = burstGrid.code;
  if (cutCommunity) (specs[1] as ScenarioSpec).area = cutCommunity.code;
  return specs;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outFlag = args.indexOf('--out');
  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = resolve(
    outFlag >= 0 && args[outFlag + 1] ? (args[outFlag + 1] as string) : join(here, '..', 'recordings'),
  );
  await mkdir(outDir, { recursive: true });
  const district = builtinDistrict();

  const jobs = [
    { file: 'normal-day.ndjson.gz', seed: 20250610, scenarios: [] as ScenarioSpec[] },
    { file: 'incident-day.ndjson.gz', seed: 20250611, scenarios: incidents(district) },
  ];
  for (const job of jobs) {
    const out = join(outDir, job.file);
    let shown = -1;
    const header = await generateRecording(
      {
        seed: job.seed,
        district,
        start: DAY_START,
        durationMs: DAY_MS,
        out,
        deviceCount: DEVICES,
        rate: RATE,
        scenarios: job.scenarios,
      },
      (done, total) => {
        const pct = Math.floor((100 * done) / total / 10) * 10;
        if (pct !== shown) {
          shown = pct;
          process.stdout.write(`\r${job.file}: ${pct}%`);
        }
      },
    );
    const { size } = await stat(out);
    const where = header.scenarios?.map((s) => `${s.name}@${s.area ?? '-'}`).join(', ') || 'no incidents';
    process.stdout.write(`\r${job.file}: ${header.events} events, ${(size / 1e6).toFixed(2)} MB (${where})\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`make-demo-recordings: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
