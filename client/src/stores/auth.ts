import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ApiError, LoginRequest, LoginResponse, Principal } from '../../../protocol';
import { login as postLogin, refreshToken } from '../services/api';

/** Where a login is kept: the tab's session only (closing the tab logs out; nothing lands on disk). */
export const SESSION_KEY = 'gridpulse.session';

/** What the login form says when a login fails. */
export type LoginFailure = 'invalid' | 'rate_limited' | 'unreachable' | 'other';

export interface StoredSession {
  token: string;
  expiresAt: number;
  user: Principal;
}

/** A stored session, or undefined when absent, malformed or expired at `now`. */
export function readSession(raw: string | null, now: number): StoredSession | undefined {
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof s.token !== 'string' || typeof s.expiresAt !== 'number' || !s.user || typeof s.user.role !== 'string')
      return undefined;
    return s.expiresAt > now ? (s as StoredSession) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `exp` of a JWT (epoch ms), read without verifying it: the server verifies; the page only wants to say
 * "expired" in time. Undefined when the token carries none or is not a JWT.
 */
export function tokenExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(
      part
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(part.length / 4) * 4, '='),
    );
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function loginFailure(status: number | undefined, error?: ApiError): LoginFailure {
  if (status === undefined) return 'unreachable';
  if (status === 401 || error?.code === 'unauthorized' || error?.code === 'invalid_payload') return 'invalid';
  if (status === 429 || error?.code === 'rate_limited') return 'rate_limited';
  return 'other';
}

export interface AuthDeps {
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  now?: () => number;
  /** `POST /api/login`; throws `{ status, error }` (services/api HttpError) or a network error. */
  login?: (req: LoginRequest) => Promise<LoginResponse>;
  /** `POST /api/token/refresh` with the current token. */
  refresh?: (token: string) => Promise<LoginResponse>;
}

/** A login is renewed this long before its token expires (or at 4/5 of a shorter lifetime). */
export const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * Who uses this page (DESIGN §3.6): a login (duty console, tablet) kept in sessionStorage until it expires or the
 * user logs out, or a token from the URL (`/wall?token=…`, kept in memory only). No token: the anonymous
 * read-only wall, when the deployment allows it. The JWT goes to the socket as `auth.token`.
 */
export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | undefined>(undefined);
  const user = shallowRef<Principal | undefined>(undefined);
  const expiresAt = ref<number | undefined>(undefined);
  /** How the token came: a login on this page, or the URL. */
  const source = ref<'login' | 'url' | undefined>(undefined);
  const pending = ref(false);
  const failure = ref<LoginFailure | undefined>(undefined);
  /** Set when a session ended by itself (expired) rather than by a logout, so the login form can say why. */
  const expired = ref(false);

  let deps: Required<AuthDeps> | undefined;
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let issuedAt = 0;

  const loggedIn = computed(() => token.value !== undefined);

  function resolveDeps(): Required<AuthDeps> {
    if (!deps) throw new Error('auth store used before init()');
    return deps;
  }

  function keep(res: LoginResponse) {
    const d = resolveDeps();
    token.value = res.token;
    expiresAt.value = res.expiresAt;
    user.value = res.user;
    source.value = 'login';
    expired.value = false;
    issuedAt = d.now();
    d.storage.setItem(SESSION_KEY, JSON.stringify({ token: res.token, expiresAt: res.expiresAt, user: res.user }));
    scheduleExpiry();
  }

  /**
   * A duty shift outlasts a token: a login renews itself shortly before it expires, so the console never drops
   * its officer. A failed renewal leaves the session to expire on time (the form then says so).
   */
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    const at = expiresAt.value;
    if (at === undefined || source.value !== 'login') return;
    const d = resolveDeps();
    const lead = Math.min(REFRESH_BEFORE_MS, Math.max(0, (at - issuedAt) / 5));
    refreshTimer = setTimeout(
      () => {
        const current = token.value;
        if (!current) return;
        d.refresh(current).then(
          (res) => token.value === current && keep(res),
          () => undefined,
        );
      },
      Math.min(Math.max(0, at - lead - d.now()), 2 ** 31 - 1),
    );
  }

  function scheduleExpiry() {
    clearTimeout(expiryTimer);
    scheduleRefresh();
    const at = expiresAt.value;
    if (at === undefined) return;
    // setTimeout overflows past ~24.8 days; such tokens are re-checked later.
    const delay = Math.min(at - resolveDeps().now(), 2 ** 31 - 1);
    expiryTimer = setTimeout(
      () => {
        if (expiresAt.value !== undefined && expiresAt.value <= resolveDeps().now()) end(true);
        else scheduleExpiry();
      },
      Math.max(0, delay),
    );
  }

  function end(byExpiry: boolean) {
    clearTimeout(expiryTimer);
    clearTimeout(refreshTimer);
    token.value = undefined;
    user.value = undefined;
    expiresAt.value = undefined;
    source.value = undefined;
    expired.value = byExpiry;
    resolveDeps().storage.removeItem(SESSION_KEY);
  }

  /**
   * Wires storage, clock and the login call (the page's by default) and picks up a token: the URL's
   * (`?token=`) wins, else a session stored earlier in this tab.
   */
  function init(options: AuthDeps & { urlToken?: string } = {}) {
    deps = {
      storage: options.storage ?? window.sessionStorage,
      now: options.now ?? (() => Date.now()),
      login: options.login ?? postLogin,
      refresh: options.refresh ?? refreshToken,
    };
    issuedAt = deps.now();
    if (options.urlToken) {
      token.value = options.urlToken;
      expiresAt.value = tokenExpiry(options.urlToken);
      user.value = undefined;
      source.value = 'url';
    } else {
      const s = readSession(deps.storage.getItem(SESSION_KEY), deps.now());
      if (s) {
        token.value = s.token;
        expiresAt.value = s.expiresAt;
        user.value = s.user;
        source.value = 'login';
      }
    }
    scheduleExpiry();
  }

  async function login(req: LoginRequest): Promise<boolean> {
    const d = resolveDeps();
    pending.value = true;
    failure.value = undefined;
    try {
      keep(await d.login(req));
      return true;
    } catch (err) {
      const e = err as { status?: number; error?: ApiError };
      failure.value = loginFailure(typeof e.status === 'number' ? e.status : undefined, e.error);
      return false;
    } finally {
      pending.value = false;
    }
  }

  function logout() {
    end(false);
  }

  /** The server refused the token (expired early, revoked, user disabled): back to the login form. */
  function rejected() {
    if (token.value) end(true);
  }

  /** For the socket handshake: asked on every (re)connect. */
  const currentToken = () => token.value;

  return {
    token,
    user,
    expiresAt,
    source,
    pending,
    failure,
    expired,
    loggedIn,
    init,
    login,
    logout,
    rejected,
    currentToken,
  };
});
