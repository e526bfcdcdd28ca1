import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve('.');

/** Runs check:deps' rules over a scratch tree holding `files`; returns the violated rule names. */
function violations(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'gp-deps-'));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), readFileSync(join(repo, 'package.json')));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { moduleResolution: 'bundler', module: 'esnext' } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const folders = [...new Set(Object.keys(files).map((p) => p.split('/')[0]!))];
  const cli = join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  // The JSON reporter exits 0 whatever it found: read the verdict from its summary.
  const stdout = execFileSync(process.execPath, [cli, '--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json', ...folders], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = JSON.parse(stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return [...new Set(out.summary.violations.map((v) => v.rule.name))].sort();
}

describe('npm run check:deps', () => {
  it('passes a tree that keeps the boundaries', () => {
    expect(
      violations({
        'protocol/a.ts': "import { z } from 'zod';\nexport const a = z.string();\n",
        'server/aggregate/b.ts': "import { a } from '../../protocol/a';\nexport const b = a;\n",
      }),
    ).toEqual([]);
  }, 60_000);

  it('fails on forbidden imports and cycles', () => {
    expect(
      violations({
        'protocol/a.ts': "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n",
        'server/aggregate/b.ts': "import { Server } from 'socket.io';\nexport const b = Server;\n",
        'server/x.ts': "import { y } from './y';\nexport const x = y;\n",
        'server/y.ts': "import { x } from './x';\nexport const y = x;\n",
        'client/src/views/W.ts': "import * as m from 'maplibre-gl';\nimport { s } from '../../../server/x';\nexport const w = [m, s];\n",
        'server/app.ts': "import { m } from '../mock-streams/m';\nexport const app = m;\n",
        'mock-streams/m.ts': 'export const m = 1;\n',
      }),
    ).toEqual([
      'client-imports-protocol-geo',
      'core-has-no-io',
      'no-circular',
      'only-composition-roots-import-mock-streams',
      'only-hub-touches-socket-io',
      'only-map-feature-imports-map-engines',
      'protocol-is-the-contract',
    ]);
  }, 60_000);
});
