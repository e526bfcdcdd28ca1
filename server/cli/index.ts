/**
 * `npx gridpulse <command>`: the CLI (DESIGN §6). A composition root like main.ts: it may wire mock-streams.
 * Each command lives in commands/<name>.command.ts and exports `command`; they are found by file name.
 */
import { CliError, EXIT, type Command } from './cli-kit';

const commands: Command[] = [];

function registerCommand(command: Command): void {
  commands.push(command);
}

async function loadCommands(): Promise<void> {
  const { readdirSync } = await import('node:fs');
  const dir = new URL('./commands/', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.command.ts')).sort()) {
    const mod = (await import(new URL(file, dir).href)) as { command?: Command };
    if (mod.command) registerCommand(mod.command);
  }
}

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'GridPulse CLI — usage: npx gridpulse <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `npx gridpulse <command> --help` for a command’s options.',
    'Exit codes: 0 done, 1 failed, 2 usage error, 3 bad input.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  await loadCommands();
  commands.sort((a, b) => a.name.localeCompare(b.name));
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new CliError(`unknown command "${name}"\n\n${usage()}`, EXIT.usage);
  return command.run(rest);
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    if (err instanceof CliError) {
      process.stderr.write(`gridpulse: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`gridpulse: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = EXIT.failed;
    }
  });
