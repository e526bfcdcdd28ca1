import { z } from 'zod';
import { ROOT_SCOPE, inScope } from './area';

/**
 * Users, roles and jurisdiction (DESIGN §3.6). A jurisdiction is an area code, or `*` for the whole deployment;
 * it filters everything a client receives and every action it may take, on the server.
 */
export const ROLES = ['wall', 'leader', 'duty', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is on the other end of a socket or request, as the server decided from the token (or anonymity). */
export interface Principal {
  /** User name (login); `anonymous` for the open wall. */
  name: string;
  role: Role;
  /** Jurisdiction: an area code, or `*` for the whole deployment. */
  area: string;
  /** True for the anonymous read-only wall (DESIGN §3.6: on out of the box, `GRIDPULSE_ANONYMOUS=off` turns it off). */
  anonymous?: boolean;
}

/** Whether a principal's jurisdiction contains `code` (an area code of any level, or `*`). */
export function inJurisdiction(principal: Pick<Principal, 'area'>, code: string): boolean {
  if (code === ROOT_SCOPE) return principal.area === ROOT_SCOPE;
  return inScope(code, principal.area);
}

/** Roles that may act on alerts and cases (in their jurisdiction). */
export function canAct(role: Role): boolean {
  return role === 'duty' || role === 'admin';
}

/** Wall screens show no personal data (names, phone numbers, elderly households). */
export function masksPersonalData(role: Role): boolean {
  return role === 'wall';
}

const userName = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'user name: letters, digits, _ . - only');
const jurisdiction = z.union([
  z.literal(ROOT_SCOPE),
  z.string().regex(/^\d{6}(\d{3}){0,3}$/, 'area must be * or an area code (6, 9, 12 or 15 digits)'),
]);

/** `POST /api/login` body. */
export const loginRequestSchema = z.strictObject({
  name: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.input<typeof loginRequestSchema>;

/** `POST /api/login` answer: a short-lived JWT to send as `auth.token` (socket) and `Authorization: Bearer` (HTTP). */
export interface LoginResponse {
  token: string;
  /** Epoch ms when the token expires; log in again before. */
  expiresAt: number;
  user: Principal;
}

/** `POST /api/users` body (admin) and `gridpulse user add`. */
export const userCreateSchema = z.strictObject({
  name: userName,
  password: z.string().min(8, 'password: at least 8 characters').max(256),
  role: z.enum(ROLES),
  area: jurisdiction.default(ROOT_SCOPE),
  displayName: z.string().max(64).optional(),
});
export type UserCreate = z.input<typeof userCreateSchema>;

/** A user as the admin API lists it (never the hash). */
export interface UserView {
  name: string;
  role: Role;
  area: string;
  displayName?: string;
  createdAt: number;
  disabled: boolean;
}
