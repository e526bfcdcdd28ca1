import { stat } from 'node:fs/promises';
import { SCENARIO_NAMES, type ScenarioName, type ScenarioSpec } from '../../../mock-streams/scenarios';
import { generateRecording } from '../../../mock-streams/recording';
import { loadDistrict } from '../../district-loader';
import { CliError, EXIT, parseCommandArgs, parseDuration, parseInteger, progressBar, type Command } from '../cli-kit';

/** Default first event time: a fixed day, so the same seed always writes the same file. */
const DEFAULT_START = '2025-06-10T00:00:00+08:00';

const help = `
Usage: gridpulse generate --duration <d> --out <file.ndjson.gz> [options]

Simulates the district's devices, cases and opinion posts (seeded, deterministic) and writes a recording,
without a server. The same options always write a byte-identical file.

Options:
  --seed <n>            simulation seed (default 20261128)
  --duration <d>        event time to simulate: 90s, 10m, 2h, 1d (required)
  --out <file>          recording to write, .ndjson.gz (required)
  --start <iso>         time of the first event, ISO-8601 with offset (default ${DEFAULT_START})
  --devices <n>         devices to simulate (default 10000)
  --rate <n>            target events per second (default: the population's natural rate)
  --scenario <spec>     stage an incident, repeatable: name@offset+duration[:area]
                        names: ${SCENARIO_NAMES.join(', ')}
                        e.g. water-main-burst@10h+5h  power-cut@19.5h+2h:330106007003
  --geo <path>          district package from \`gridpulse import-geo\` (default: the built-in district)
  -h, --help            this help

Example:
  gridpulse generate --seed 7 --duration 1h --out day.ndjson.gz --scenario device-outage@20m+15m
`;

export const command: Command = {
  name: 'generate',
  summary: 'simulate feeds and write a recording (no server needed)',
  help,
  async run(argv) {
    const args = parseCommandArgs(command, argv, {
      seed: { type: 'string' },
      duration: { type: 'string' },
      out: { type: 'string' },
      start: { type: 'string' },
      devices: { type: 'string' },
      rate: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      geo: { type: 'string' },
    });
    if (!args) return EXIT.ok;
    const v = args.values;
    if (args.positionals.length > 0)
      throw new CliError(`generate: unexpected argument "${args.positionals[0]}"`, EXIT.usage);
    if (!v.duration) throw new CliError('generate: --duration is required (e.g. --duration 10m)', EXIT.usage);
    if (!v.out) throw new CliError('generate: --out is required (e.g. --out day.ndjson.gz)', EXIT.usage);
    const durationMs = parseDuration(v.duration, '--duration');
    if (durationMs < 1000) throw new CliError('--duration: must be at least 1s', EXIT.usage);
    const start = parseStart(v.start ?? DEFAULT_START);
    const seed = v.seed === undefined ? 20261128 : parseInteger(v.seed, '--seed', 0, 2 ** 31 - 1);
    const deviceCount = v.devices === undefined ? undefined : parseInteger(v.devices, '--devices', 0, 1_000_000);
    const rate = v.rate === undefined ? undefined : parseInteger(v.rate, '--rate', 1, 100_000);
    const scenarios = ((v.scenario as string[] | undefined) ?? []).map((s) => parseScenario(s, start));
    let district;
    try {
      district = loadDistrict(v.geo);
    } catch (err) {
      throw new CliError(`generate: ${(err as Error).message}`, EXIT.usage);
    }

    const bar = progressBar('generate', 2 * durationMs);
    let header;
    try {
      header = await generateRecording(
        {
          seed,
          district,
          start,
          durationMs,
          out: v.out,
          deviceCount,
          rate,
          scenarios,
          createdBy: 'gridpulse generate',
        },
        (done) => bar.update(done),
      );
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code) throw new CliError(`generate: cannot write ${v.out}: ${e.message}`, EXIT.failed);
      throw new CliError(`generate: ${e.message}`, EXIT.usage);
    } finally {
      bar.stop();
    }
    const { size } = await stat(v.out);
    process.stdout.write(
      `wrote ${v.out}: ${header.events} events, ${header.deviceCount} devices, ` +
        `${new Date(header.start).toISOString()} → ${new Date(header.end).toISOString()}, ${(size / 1e6).toFixed(2)} MB\n`,
    );
    return EXIT.ok;
  },
};

function parseStart(text: string): number {
  if (!/[zZ]|[+-]\d\d:?\d\d$/.test(text))
    throw new CliError(`--start: "${text}" needs a UTC offset, e.g. 2025-06-10T00:00:00+08:00`, EXIT.usage);
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new CliError(`--start: "${text}" is not an ISO-8601 time`, EXIT.usage);
  return t;
}

/** `name@offset+duration[:area]`, offset from --start. */
function parseScenario(text: string, start: number): ScenarioSpec {
  const m = /^([a-z-]+)@([^+]+)\+([^:]+)(?::(\d+))?$/.exec(text);
  if (!m)
    throw new CliError(`--scenario: "${text}" is not name@offset+duration[:area], e.g. power-cut@19h+2h`, EXIT.usage);
  const name = m[1]!;
  if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
    throw new CliError(
      `--scenario: unknown scenario "${name}"; expected one of ${SCENARIO_NAMES.join(', ')}`,
      EXIT.usage,
    );
  }
  const spec: ScenarioSpec = {
    name: name as ScenarioName,
    start: start + parseDuration(m[2]!, '--scenario offset'),
    durationMs: parseDuration(m[3]!, '--scenario duration'),
  };
  if (m[4]) spec.area = m[4];
  return spec;
}
