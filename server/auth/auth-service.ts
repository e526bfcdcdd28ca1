import { ROOT_SCOPE, type LoginResponse, type Principal } from '../../protocol';
import type { Clock } from '../pipeline/clock';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import type { TokenIssuer } from './tokens';
import { UserExistsError, type UserStore } from './user-store';

/** The read-only principal of an open wall (DESIGN §3.6: on by default, `GRIDPULSE_ANONYMOUS=off` turns it off). */
export const ANONYMOUS: Principal = Object.freeze({ name: 'anonymous', role: 'wall', area: ROOT_SCOPE, anonymous: true });

export type Authenticated = { ok: true; principal: Principal; expiresAt: number | null } | { ok: false; reason: string };

export interface AuthService {
  readonly anonymous: boolean;
  readonly users: UserStore;
  /** Checks name and password; a token on success. Same answer and timing for an unknown user and a wrong password. */
  login(name: string, password: string): Promise<LoginResponse | undefined>;
  /**
   * Who a connection is: the token's principal, the anonymous wall when there is no token and anonymity is on,
   * or why not. The user must still exist and be enabled, and the token's role and area are re-read from the
   * store, so a changed or disabled user loses access at the next connection.
   */
  authenticate(token: string | undefined): Promise<Authenticated>;
  /** A fresh token for a principal (refresh, wall tokens). */
  issue(principal: Principal, ttlMs?: number): Promise<{ token: string; expiresAt: number }>;
  /** Creates a user (the CLI, the admin API, the first admin). */
  addUser(user: { name: string; password: string; role: Principal['role']; area: string; displayName?: string }): Promise<void>;
}

export interface AuthDeps {
  users: UserStore;
  tokens: TokenIssuer;
  clock: Clock;
  anonymous: boolean;
}

export function createAuthService(deps: AuthDeps): AuthService {
  const { users, tokens, clock } = deps;
  return {
    anonymous: deps.anonymous,
    users,
    async login(name, password) {
      const user = await users.get(name);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
      if (!user || !ok || user.disabled) return undefined;
      const principal: Principal = { name: user.name, role: user.role, area: user.area };
      const { token, expiresAt } = await tokens.issue(principal, clock.now());
      return { token, expiresAt, user: principal };
    },
    async authenticate(token) {
      if (!token) {
        return deps.anonymous
          ? { ok: true, principal: ANONYMOUS, expiresAt: null }
          : { ok: false, reason: 'a token is required (anonymous access is off): log in first' };
      }
      const checked = await tokens.verify(token, clock.now());
      if (!checked.ok) return checked;
      const user = await users.get(checked.principal.name);
      if (!user || user.disabled) return { ok: false, reason: `user "${checked.principal.name}" is unknown or disabled` };
      return { ok: true, principal: { name: user.name, role: user.role, area: user.area }, expiresAt: checked.expiresAt };
    },
    issue(principal, ttlMs) {
      return tokens.issue(principal, clock.now(), ttlMs);
    },
    async addUser(u) {
      if (await users.get(u.name)) throw new UserExistsError(u.name);
      await users.add({
        name: u.name,
        role: u.role,
        area: u.area,
        ...(u.displayName ? { displayName: u.displayName } : {}),
        passwordHash: await hashPassword(u.password),
        createdAt: clock.now(),
        disabled: false,
      });
    },
  };
}
