import { SignJWT, errors, jwtVerify } from 'jose';
import { ROLES, type Principal, type Role } from '../../protocol';

const ISSUER = 'gridpulse';
const ALG = 'HS256';

export interface TokenIssuer {
  /** Signs a token for the principal, valid from `now` for the issuer's TTL (or `ttlMs`). */
  issue(principal: Principal, now: number, ttlMs?: number): Promise<{ token: string; expiresAt: number }>;
  /** The principal a token names, or an error saying why it is not accepted (expired, bad signature, malformed). */
  verify(token: string, now: number): Promise<{ ok: true; principal: Principal; expiresAt: number } | { ok: false; reason: string }>;
}

/**
 * Short-lived HS256 JWTs (jose). Time comes from the caller (the injected clock), so expiry is testable and a
 * replayed clock behaves. The secret must be shared by every node of a cluster (GRIDPULSE_JWT_SECRET).
 */
export function createTokenIssuer(secret: Uint8Array, ttlMs: number): TokenIssuer {
  return {
    async issue(principal, now, ttl = ttlMs) {
      const iat = Math.floor(now / 1000);
      const exp = Math.floor((now + ttl) / 1000);
      const token = await new SignJWT({ role: principal.role, area: principal.area })
        .setProtectedHeader({ alg: ALG })
        .setIssuer(ISSUER)
        .setSubject(principal.name)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(secret);
      return { token, expiresAt: exp * 1000 };
    },
    async verify(token, now) {
      try {
        const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, algorithms: [ALG], currentDate: new Date(now) });
        const role = payload.role as Role;
        if (typeof payload.sub !== 'string' || !ROLES.includes(role) || typeof payload.area !== 'string' || typeof payload.exp !== 'number') {
          return { ok: false, reason: 'token lacks a user, role or area' };
        }
        return { ok: true, principal: { name: payload.sub, role, area: payload.area }, expiresAt: payload.exp * 1000 };
      } catch (err) {
        if (err instanceof errors.JWTExpired) return { ok: false, reason: 'token expired; log in again' };
        if (err instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'token signature invalid' };
        return { ok: false, reason: `token not accepted: ${(err as Error).message}` };
      }
    },
  };
}
