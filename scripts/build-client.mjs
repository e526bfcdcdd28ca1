// Builds the client (vite build → dist/client) when it is missing or older than its sources.
// Used by `npm start` and by the browser tests, so neither ever serves a stale page.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = join(root, 'dist/client/index.html');
const SOURCES = ['client', 'protocol', 'geo', 'vite.config.ts', 'package-lock.json'];

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'data') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function clientIsStale() {
  if (!existsSync(builtIndex)) return true;
  const sources = SOURCES.map((p) => join(root, p)).filter(existsSync);
  return Math.max(...sources.map(newestMtime)) > statSync(builtIndex).mtimeMs;
}

/** Returns the exit status of the build (0 when nothing needed building). */
export function buildClientIfStale({ quiet = false } = {}) {
  if (!clientIsStale()) return 0;
  if (!quiet) process.stdout.write('Building the client (first start or sources changed)…\n');
  const build = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: quiet ? 'pipe' : 'inherit',
  });
  if (build.status !== 0 && quiet) process.stderr.write(String(build.stderr ?? ''));
  return build.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(buildClientIfStale());
