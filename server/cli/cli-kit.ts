import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SingleBar } from 'cli-progress';

/**
 * Exit codes every command keeps (README "CLI"): 0 done; 1 failed while working (I/O, server unreachable);
 * 2 usage error (bad option or argument); 3 the input had problems and nothing (or not everything) was done.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, badInput: 3 } as const;

/** An error that tells the user what was wrong and where, and how the process should exit. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full help text (usage, options, examples). */
  help: string;
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with --help and usage errors turned into CliError(2). Returns undefined when help was shown. */
export function parseCommandArgs<O extends Options>(command: Command, argv: string[], options: O) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${command.name}: ${(err as Error).message}\nRun \`gridpulse ${command.name} --help\` for usage.`, EXIT.usage);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    process.stdout.write(`${command.help.trim()}\n`);
    return undefined;
  }
  return parsed as { values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string }; positionals: string[] };
}

/** A progress bar on stderr when it is a terminal; silent otherwise (pipes and CI logs stay clean). */
export function progressBar(label: string, total: number) {
  if (!process.stderr.isTTY) return { update: (_n: number) => undefined, stop: () => undefined, setTotal: (_n: number) => undefined };
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`, stream: process.stderr, hideCursor: true },
    undefined,
  );
  bar.start(total, 0);
  return { update: (n: number) => bar.update(n), stop: () => bar.stop(), setTotal: (n: number) => bar.setTotal(n) };
}

/** Parses durations like 90s, 10m, 2h, 1d (or plain milliseconds). */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new CliError(`${option}: "${text}" is not a duration (e.g. 90s, 10m, 2h, 1d)`, EXIT.usage);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms']!;
  return Math.round(Number(m[1]) * unit);
}

export function parseInteger(text: string, option: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${option}: "${text}" must be an integer from ${min} to ${max}`, EXIT.usage);
  return n;
}
