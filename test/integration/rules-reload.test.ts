/**
 * Rules are data, reloadable without a restart (issue #6): the real server process watches its rules file;
 * a file with errors is refused whole (every error printed, the rules in force stay), a valid one is applied.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gp-rules-'));
const rulesFile = join(dir, 'rules.json');
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('alert rules reload', { timeout: 180_000 }, () => {
  it('applies an edited rules file without a restart and refuses a broken one, keeping the old rules', async () => {
    copyFileSync(join(root, 'config/alert-rules.default.json'), rulesFile);
    let out = '';
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), GRIDPULSE_SIMULATE: 'off', GRIDPULSE_ALERT_RULES: rulesFile, GRIDPULSE_ADMIN_PASSWORD: 'admin-pass-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    server.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const until = async (re: RegExp) => {
      for (let i = 0; i < 600 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(re);
    };
    await until(/GridPulse is running/);

    const rules = JSON.parse(readFileSync(rulesFile, 'utf8')) as { rules: { id: string; for?: string }[] };
    const broken = structuredClone(rules);
    broken.rules[0]!.id = '';
    (broken.rules[1] as { severity?: string }).severity = 'apocalyptic';
    writeFileSync(rulesFile, JSON.stringify(broken));
    await until(/alert rules NOT reloaded \(file changed\), the previous rules stay in force/);
    expect(out).toMatch(/rules\[0\]/);
    expect(out).toMatch(/rules\[1\] \([^)]*\)\.severity/);

    const fewer = { ...rules, rules: rules.rules.slice(0, 3) };
    writeFileSync(rulesFile, JSON.stringify(fewer));
    await until(/alert rules reloaded \(file changed\): 3 rules/);
    server.kill('SIGHUP');
    await until(/alert rules reloaded \(SIGHUP\): 3 rules/);
  });
});
