/**
 * Client bundle sizes (gzip) from dist/client: the initial JS (the entry script plus the chunks index.html
 * preloads) and everything. Run `npm run build` first. Targets (DESIGN §8): initial ≤ 150 KB, total ≤ 900 KB.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = 'dist/client';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!));
const gz = (file: string) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;

let initialBytes = 0;
let totalJs = 0;
let totalCss = 0;
const chunks: { file: string; kb: number }[] = [];
for (const f of readdirSync(join(dir, 'assets'))) {
  const file = `assets/${f}`;
  if (f.endsWith('.js')) {
    const size = gz(file);
    totalJs += size;
    if (initial.has(file)) initialBytes += size;
    chunks.push({ file, kb: Math.round(size / 102.4) / 10 });
  } else if (f.endsWith('.css')) {
    totalCss += gz(file);
  }
}
const kb = (b: number) => Math.round(b / 102.4) / 10;
console.log(JSON.stringify({ metric: 'client.initial_js_gzip_kb', value: kb(initialBytes), unit: 'KB' }));
console.log(JSON.stringify({ metric: 'client.total_js_gzip_kb', value: kb(totalJs), unit: 'KB' }));
console.log(JSON.stringify({ metric: 'client.total_css_gzip_kb', value: kb(totalCss), unit: 'KB' }));
for (const c of chunks.sort((a, b) => b.kb - a.kb).slice(0, 8)) {
  console.log(JSON.stringify({ metric: 'client.chunk_gzip_kb', value: c.kb, unit: 'KB', file: c.file }));
}
