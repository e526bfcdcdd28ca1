import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthService } from './auth-service';
import { UserExistsError } from './user-store';

/**
 * The token secret: GRIDPULSE_JWT_SECRET when set (every node of a cluster must share it), else a random one
 * kept in `<DATA_DIR>/jwt-secret` (mode 600) so tokens survive a restart.
 */
export function loadJwtSecret(fromEnv: string | undefined, dataDir: string): Uint8Array {
  if (fromEnv) return new TextEncoder().encode(fromEnv);
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/**
 * On a first start (no users at all) creates `admin` with GRIDPULSE_ADMIN_PASSWORD, or with a generated
 * password that the caller prints once. Returns the generated password, if any.
 */
export async function ensureFirstAdmin(auth: AuthService, password: string | undefined): Promise<{ created: boolean; generated?: string }> {
  if ((await auth.users.count()) > 0) return { created: false };
  const generated = password ? undefined : randomBytes(12).toString('base64url');
  try {
    await auth.addUser({ name: 'admin', password: password ?? generated!, role: 'admin', area: '*', displayName: '系统管理员' });
  } catch (err) {
    // Another node of a cluster, starting at the same moment, created it first.
    if (err instanceof UserExistsError) return { created: false };
    throw err;
  }
  return { created: true, generated };
}
