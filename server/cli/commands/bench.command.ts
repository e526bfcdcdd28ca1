import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXIT, type Command } from '../cli-kit';

const help = `
Usage: gridpulse bench [<name> [args…]]

Runs one benchmark of bench/ in its own process (the same as \`npm run bench -- <name>\`); each prints JSON lines
{"metric", "value", "unit"}. Without a name, lists the benchmarks. Figures and their commands: docs/BENCHMARKS.md.

Examples:
  gridpulse bench aggregate --part throughput --rounds 3
  gridpulse bench ingest --no-mqtt
  gridpulse bench geo-lookup
`;

/** The benchmark runner (bench/run.ts), started as a child: the CLI never imports bench code. */
const RUNNER = fileURLToPath(new URL('../../../bench/run.ts', import.meta.url));

export const command: Command = {
  name: 'bench',
  summary: 'run a benchmark (JSON lines; figures in docs/BENCHMARKS.md)',
  help,
  run(argv) {
    if (argv[0] === '--help' || argv[0] === '-h') {
      process.stdout.write(`${help.trim()}\n`);
      return Promise.resolve(EXIT.ok);
    }
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, ...argv], { stdio: 'inherit' });
      child.on('error', () => resolve(EXIT.failed));
      child.on('exit', (code) => resolve(code ?? EXIT.failed));
    });
  },
};
