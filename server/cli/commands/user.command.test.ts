import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../../auth/auth-service';
import { loadJwtSecret } from '../../auth/bootstrap';
import { createTokenIssuer } from '../../auth/tokens';
import { systemClock } from '../../pipeline/clock';
import { openDatabase } from '../../store/database';
import { SqliteUserStore } from '../../store/sqlite-user-store';

const root = new URL('../../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'gp-user-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/gridpulse.mjs'), 'user', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DATA_DIR: dataDir, GRIDPULSE_JWT_SECRET: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gridpulse user (child process)', { timeout: 180_000 }, () => {
  it('adds, lists, disables and removes users, with clear refusals', () => {
    expect(cli('add', 'wang', '--password', 'S3cret-pass', '--role', 'leader', '--area', '330106007001')).toMatchObject({ code: 0 });
    const dup = cli('add', 'wang', '--password', 'S3cret-pass', '--role', 'leader');
    expect(dup.code).toBe(3);
    expect(dup.stderr).toMatch(/already exists/);
    const badRole = cli('add', 'li', '--password', 'S3cret-pass', '--role', 'chief');
    expect(badRole.code).toBe(3);
    expect(badRole.stderr).toMatch(/--role: .*one of wall, leader, duty, admin/);
    const badArea = cli('add', 'li', '--password', 'S3cret-pass', '--role', 'duty', '--area', '12');
    expect(badArea.stderr).toMatch(/--area: area must be \* or an area code/);
    expect(cli('add', 'li', '--password', 'short', '--role', 'duty').stderr).toMatch(/--password: password: at least 8/);
    expect(cli('frobnicate').code).toBe(2);
    expect(cli('disable', 'wang').code).toBe(0);
    expect(cli('list').stdout).toMatch(/wang\s+leader\s+330106007001\s+disabled/);
    expect(cli('remove', 'nobody').code).toBe(3);
  });

  it('prints a token the server accepts, signed with the data dir secret', async () => {
    expect(cli('add', 'wall-1', '--password', 'wall-pass-1', '--role', 'wall').code).toBe(0);
    const r = cli('token', 'wall-1', '--ttl', '90d');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/valid until/);
    const db = openDatabase(dataDir);
    try {
      const auth = createAuthService({
        users: new SqliteUserStore(db),
        tokens: createTokenIssuer(loadJwtSecret(undefined, dataDir), 60_000),
        clock: systemClock,
        anonymous: false,
      });
      const result = await auth.authenticate(r.stdout.trim());
      expect(result).toMatchObject({ ok: true, principal: { name: 'wall-1', role: 'wall', area: '*' } });
      if (result.ok) expect(result.expiresAt! - Date.now()).toBeGreaterThan(89 * 86_400_000);
    } finally {
      db.close();
    }
  });
});
