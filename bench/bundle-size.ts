/**
 * Client bundle sizes (gzip -9) from the built client: the initial JS (the entry script, what index.html preloads
 * and everything those import statically), everything (every script the pages can load, the MapLibre worker
 * `.mjs` included), and what each page loads beyond the initial JS before its lazy parts (map, charts).
 * Run `npm run build` first; `--dir <path>` measures another build. Targets (DESIGN §8): initial ≤ 150 KB,
 * total ≤ 900 KB.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dirArg = process.argv.indexOf('--dir');
const dir = dirArg >= 0 ? process.argv[dirArg + 1]! : 'dist/client';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const listed = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.m?js)"/g)].map((m) => m[1]!);
const gz = (file: string) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;

/** A chunk and its static imports (`from"./x.js"`, `import"./x.js"` in the minified output), transitively. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(dir, file), 'utf8');
  for (const m of code.matchAll(/(?:from|import)\s*["']\.\/([^"']+\.m?js)["']/g)) closure(`assets/${m[1]}`, seen);
  return seen;
}

const initial = new Set(listed.flatMap((f) => [...closure(f)]));
let initialBytes = 0;
let totalJs = 0;
let totalCss = 0;
const sizes = new Map<string, number>();
for (const f of readdirSync(join(dir, 'assets'))) {
  const file = `assets/${f}`;
  if (f.endsWith('.js') || f.endsWith('.mjs')) {
    const size = gz(file);
    sizes.set(file, size);
    totalJs += size;
    if (initial.has(file)) initialBytes += size;
  } else if (f.endsWith('.css')) {
    totalCss += gz(file);
  }
}

const kb = (b: number) => Math.round(b / 102.4) / 10;
const line = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
line({ metric: 'client.initial_js_gzip_kb', value: kb(initialBytes), unit: 'KB' });
line({ metric: 'client.total_js_gzip_kb', value: kb(totalJs), unit: 'KB' });
line({ metric: 'client.total_css_gzip_kb', value: kb(totalCss), unit: 'KB' });
for (const view of [...sizes.keys()].filter((f) => /\/\w+View-[\w-]+\.js$/.test(f)).sort()) {
  const own = [...closure(view)].filter((f) => !initial.has(f));
  const page = /\/(\w+)View-/.exec(view)![1]!.toLowerCase();
  line({
    metric: 'client.page_js_gzip_kb',
    value: kb(own.reduce((s, f) => s + (sizes.get(f) ?? 0), 0)),
    unit: 'KB',
    page,
  });
}
for (const [file, size] of [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  line({ metric: 'client.chunk_gzip_kb', value: kb(size), unit: 'KB', file });
}
