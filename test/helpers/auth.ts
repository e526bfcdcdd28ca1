import type { LoginResponse, Role } from '../../protocol';
import type { GridPulseApp } from '../../server/app';

export interface TestUser {
  name: string;
  password?: string;
  role: Role;
  /** Jurisdiction: an area code or `*`. */
  area: string;
}

/** POST /api/login; throws with the server's error when refused. */
export async function login(baseUrl: string, name: string, password: string): Promise<LoginResponse> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const body = (await res.json()) as LoginResponse & { error?: { message: string } };
  if (!res.ok) throw new Error(`login ${name}: HTTP ${res.status} ${body.error?.message ?? ''}`);
  return body;
}

/** Creates the user (if new) in the app's store and returns a JWT from the real POST /api/login. */
export async function loginToken(baseUrl: string, user: TestUser, app: GridPulseApp): Promise<string> {
  const password = user.password ?? `pw-${user.name}-secret`;
  if (!(await app.auth.users.get(user.name))) await app.auth.addUser({ name: user.name, password, role: user.role, area: user.area });
  return (await login(baseUrl, user.name, password)).token;
}
