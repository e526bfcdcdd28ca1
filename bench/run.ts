/**
 * `npm run bench -- <name> [args…]` runs bench/<name>.ts in its own process (one benchmark, one clean heap);
 * every benchmark prints JSON lines `{"metric": …, "value": …, "unit": …}`. Without a name, lists them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  process.stdout.write(`usage: npm run bench -- <name> [args]\nbenchmarks: ${available.join(', ')}\n`);
  process.exit(name ? 0 : 2);
}
const file = join(dir, `${name}.ts`);
if (!existsSync(file)) {
  process.stderr.write(`no benchmark "${name}"; available: ${available.join(', ')}\n`);
  process.exit(2);
}
const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
