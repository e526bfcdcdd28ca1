/**
 * Dependency versions are pinned past the published advisories of the packages on the network edge
 * (issue #8: socket.io, engine.io, ws, body-parser and friends). Every copy in package-lock.json counts, nested
 * ones included. The floors are the first fixed release of each advisory listed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** package → [first fixed version, advisories it closes] per major line present in the tree. */
const FLOORS: Record<string, { major: number; min: string; advisories: string }[]> = {
  'socket.io': [{ major: 4, min: '4.6.2', advisories: 'CVE-2024-38355 (unhandled error event)' }],
  'socket.io-parser': [{ major: 4, min: '4.2.3', advisories: 'CVE-2022-2421, CVE-2023-32695' }],
  'engine.io': [{ major: 6, min: '6.5.5', advisories: 'CVE-2022-41940, CVE-2023-31125, ws CVE-2024-37890 via engine.io' }],
  ws: [{ major: 8, min: '8.17.1', advisories: 'CVE-2024-37890 (DoS with many headers)' }],
  'body-parser': [
    { major: 1, min: '1.20.3', advisories: 'CVE-2024-45590' },
    { major: 2, min: '2.2.1', advisories: 'CVE-2024-45590, CVE-2025-13466' },
  ],
  express: [{ major: 5, min: '5.0.1', advisories: 'CVE-2024-43796, CVE-2024-47764 (cookie)' }],
  cookie: [{ major: 0, min: '0.7.0', advisories: 'CVE-2024-47764' }],
  'path-to-regexp': [
    { major: 0, min: '0.1.12', advisories: 'CVE-2024-45296, CVE-2024-52798' },
    { major: 8, min: '8.0.0', advisories: 'CVE-2024-45296' },
  ],
  send: [{ major: 1, min: '1.1.0', advisories: 'CVE-2024-43799' }],
  'serve-static': [{ major: 2, min: '2.1.0', advisories: 'CVE-2024-43800' }],
};

function cmp(a: string, b: string): number {
  const pa = a.split('-')[0]!.split('.').map(Number);
  const pb = b.split('-')[0]!.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

describe('supply chain', () => {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { version?: string }> };
  const copies = Object.entries(lock.packages)
    .map(([path, p]) => ({ name: path.split('node_modules/').pop()!, path, version: p.version ?? '' }))
    .filter((c) => c.name in FLOORS);

  it('finds the edge packages in the lock file', () => {
    for (const name of ['socket.io', 'engine.io', 'ws', 'body-parser', 'express']) expect(copies.some((c) => c.name === name), name).toBe(true);
  });

  it('has every copy at or past the first fixed release of its advisories', () => {
    const bad = copies.flatMap((c) => {
      const floor = FLOORS[c.name]!.find((f) => f.major === Number(c.version.split('.')[0]));
      if (!floor) return [`${c.path}@${c.version}: a major line with no reviewed floor; review its advisories and add one`];
      return cmp(c.version, floor.min) < 0 ? [`${c.path}@${c.version} < ${floor.min} (${floor.advisories})`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('pins direct dependencies exactly', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
    const loose = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
    expect(loose).toEqual([]);
  });
});
