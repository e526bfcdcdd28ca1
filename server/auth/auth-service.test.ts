import { describe, expect, it } from 'vitest';
import { ManualClock } from '../pipeline/clock';
import { openDatabase } from '../store/database';
import { SqliteUserStore } from '../store/sqlite-user-store';
import { ANONYMOUS, createAuthService } from './auth-service';
import { hashPassword, verifyPassword } from './passwords';
import { createTokenIssuer } from './tokens';

const T0 = Date.UTC(2026, 10, 28, 2);

function setup(anonymous = true) {
  const clock = new ManualClock(T0);
  const secret = new TextEncoder().encode('x'.repeat(32));
  const auth = createAuthService({ users: new SqliteUserStore(openDatabase(':memory:')), tokens: createTokenIssuer(secret, 60 * 60_000), clock, anonymous });
  return { auth, clock, secret };
}

describe('passwords', () => {
  it('hashes with a fresh salt and verifies in constant time', async () => {
    const a = await hashPassword('密码 correct horse');
    const b = await hashPassword('密码 correct horse');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('密码 correct horse', a)).toBe(true);
    expect(await verifyPassword('密码 correct hors', a)).toBe(false);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
});

describe('auth service', () => {
  it('logs in with the right password only, and the token names the user, role and jurisdiction', async () => {
    const { auth } = setup();
    await auth.addUser({ name: 'wang', password: 'S3cret-pass', role: 'leader', area: '330106007001' });
    expect(await auth.login('wang', 'wrong-pass')).toBeUndefined();
    expect(await auth.login('nobody', 'S3cret-pass')).toBeUndefined();
    const session = (await auth.login('wang', 'S3cret-pass'))!;
    expect(session.user).toEqual({ name: 'wang', role: 'leader', area: '330106007001' });
    expect(session.expiresAt).toBe(T0 + 60 * 60_000);
    expect(await auth.authenticate(session.token)).toEqual({ ok: true, principal: session.user, expiresAt: session.expiresAt });
  });

  it('refuses expired, tampered and foreign tokens, saying why', async () => {
    const { auth, clock } = setup();
    await auth.addUser({ name: 'li', password: 'S3cret-pass', role: 'duty', area: '*' });
    const { token } = (await auth.login('li', 'S3cret-pass'))!;
    const [h, p, s] = token.split('.');
    const forged = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    forged.role = 'admin';
    expect(await auth.authenticate(`${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`)).toEqual({
      ok: false,
      reason: 'token signature invalid',
    });
    const other = createTokenIssuer(new TextEncoder().encode('y'.repeat(32)), 60_000);
    const foreign = await other.issue({ name: 'li', role: 'admin', area: '*' }, clock.now());
    expect(await auth.authenticate(foreign.token)).toMatchObject({ ok: false, reason: 'token signature invalid' });
    clock.set(T0 + 61 * 60_000);
    expect(await auth.authenticate(token)).toEqual({ ok: false, reason: 'token expired; log in again' });
  });

  it('re-reads role and area from the store: a changed or disabled user loses access', async () => {
    const { auth } = setup();
    await auth.addUser({ name: 'zhao', password: 'S3cret-pass', role: 'duty', area: '330106007001' });
    const { token } = (await auth.login('zhao', 'S3cret-pass'))!;
    await auth.users.update('zhao', { role: 'leader', area: '330106007002' });
    expect(await auth.authenticate(token)).toMatchObject({ ok: true, principal: { role: 'leader', area: '330106007002' } });
    await auth.users.update('zhao', { disabled: true });
    expect(await auth.authenticate(token)).toMatchObject({ ok: false });
    expect(await auth.login('zhao', 'S3cret-pass')).toBeUndefined();
  });

  it('gives the anonymous wall when allowed and nothing otherwise', async () => {
    expect(await setup(true).auth.authenticate(undefined)).toEqual({ ok: true, principal: ANONYMOUS, expiresAt: null });
    expect(await setup(false).auth.authenticate(undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/token is required/) });
  });
});
