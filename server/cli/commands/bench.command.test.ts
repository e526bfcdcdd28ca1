import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/gridpulse.mjs', 'bench', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('gridpulse bench (child process)', { timeout: 120_000 }, () => {
  it('lists the benchmarks and exits 2 without a name; refuses an unknown one', () => {
    const list = cli();
    expect(list.status).toBe(2);
    expect(list.stdout).toMatch(/benchmarks: .*aggregate.*ingest/);
    const unknown = cli('no-such-bench');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no benchmark "no-such-bench"/);
  });
});
