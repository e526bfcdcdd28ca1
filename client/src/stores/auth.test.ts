import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoginResponse } from '../../../protocol';
import { SESSION_KEY, loginFailure, readSession, tokenExpiry, useAuthStore } from './auth';

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    map: m,
  };
}

const b64url = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const jwt = (claims: object) => `${b64url({ alg: 'HS256' })}.${b64url(claims)}.sig`;

describe('auth store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('logs in, keeps the session for the tab, and ends it when the token expires', async () => {
    const storage = memoryStorage();
    const now = Date.now();
    const res: LoginResponse = {
      token: 't1',
      expiresAt: now + 60_000,
      user: { name: 'zhang', role: 'duty', area: '330106001' },
    };
    // The renewal fails (server unreachable): the session still ends on time.
    const refresh = async (): Promise<LoginResponse> => {
      throw new Error('unreachable');
    };
    const auth = useAuthStore();
    auth.init({ storage, now: () => Date.now(), login: async () => res, refresh });
    expect(auth.loggedIn).toBe(false);
    expect(await auth.login({ name: 'zhang', password: 'pw' })).toBe(true);
    expect(auth.user?.area).toBe('330106001');
    expect(readSession(storage.getItem(SESSION_KEY), now)?.token).toBe('t1');

    // A reload of the tab picks the session up again.
    setActivePinia(createPinia());
    const again = useAuthStore();
    again.init({ storage, now: () => Date.now(), login: async () => res, refresh });
    expect(again.token).toBe('t1');
    expect(again.currentToken()).toBe('t1');

    await vi.advanceTimersByTimeAsync(60_001);
    expect(again.loggedIn).toBe(false);
    expect(again.expired).toBe(true);
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  it('renews a login shortly before its token expires, so a shift is not cut off', async () => {
    const storage = memoryStorage();
    const hour = 3_600_000;
    const user = { name: 'zhang', role: 'duty' as const, area: '*' };
    let n = 0;
    const auth = useAuthStore();
    auth.init({
      storage,
      now: () => Date.now(),
      login: async () => ({ token: 't0', expiresAt: Date.now() + hour, user }),
      refresh: async (token) => ({ token: `${token}+${++n}`, expiresAt: Date.now() + hour, user }),
    });
    await auth.login({ name: 'zhang', password: 'pw' });
    await vi.advanceTimersByTimeAsync(hour - 6 * 60_000);
    expect(auth.token).toBe('t0');
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(auth.token).toBe('t0+1');
    expect(readSession(storage.getItem(SESSION_KEY), Date.now())?.token).toBe('t0+1');
    await vi.advanceTimersByTimeAsync(3 * hour);
    expect(auth.loggedIn).toBe(true);
    expect(n).toBe(4);
  });

  it('says why a login failed and stores nothing', async () => {
    const storage = memoryStorage();
    const auth = useAuthStore();
    auth.init({
      storage,
      login: async () => {
        throw Object.assign(new Error('bad'), { status: 401, error: { code: 'unauthorized', message: 'bad' } });
      },
    });
    expect(await auth.login({ name: 'x', password: 'y' })).toBe(false);
    expect(auth.failure).toBe('invalid');
    expect(storage.map.size).toBe(0);
    expect(loginFailure(429)).toBe('rate_limited');
    expect(loginFailure(undefined)).toBe('unreachable');
    expect(loginFailure(500)).toBe('other');
  });

  it('takes a wall token from the URL without storing it, and reads its expiry', () => {
    const storage = memoryStorage();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = jwt({ sub: 'wall-1', exp });
    const auth = useAuthStore();
    auth.init({ storage, urlToken: token });
    expect(auth.source).toBe('url');
    expect(auth.expiresAt).toBe(exp * 1000);
    expect(storage.map.size).toBe(0);
    expect(tokenExpiry('not-a-jwt')).toBeUndefined();
    auth.logout();
    expect(auth.expired).toBe(false);
  });

  it('ignores a stored session that is damaged or expired', () => {
    expect(readSession('{', 0)).toBeUndefined();
    expect(
      readSession(JSON.stringify({ token: 't', expiresAt: 10, user: { name: 'a', role: 'duty', area: '*' } }), 20),
    ).toBeUndefined();
    expect(
      readSession(JSON.stringify({ token: 't', expiresAt: 30, user: { name: 'a', role: 'duty', area: '*' } }), 20)
        ?.token,
    ).toBe('t');
  });
});
