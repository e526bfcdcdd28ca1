import type {
  ApiError,
  CaseHexesResponse,
  CaseWindow,
  LoginRequest,
  LoginResponse,
  ServerStatus,
} from '../../../protocol';
import type { DistrictInfo } from '../stores/district';

/** GET a JSON resource of the GridPulse server (same origin), with the wall's token when there is one. */
async function getJson<T>(path: string, token?: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    headers: token ? { Authorization: `Bearer ${token}`, Accept: 'application/json' } : { Accept: 'application/json' },
    signal,
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export const fetchDistrict = (token?: string) => getJson<DistrictInfo>('/api/geo/district', token);
export const fetchStatus = (token?: string) => getJson<ServerStatus>('/api/status', token);

export interface CaseHexQuery {
  world: 'live' | 'demo';
  scope: string;
  window: CaseWindow;
  resolution: number;
}

/** `GET /api/cases/hexes`: the case hexagons of a scope, window and H3 resolution, counted by the server. */
export const fetchCaseHexes = (q: CaseHexQuery, token?: string, signal?: AbortSignal) =>
  getJson<CaseHexesResponse>(
    `/api/cases/hexes?${new URLSearchParams({ scope: q.scope, window: q.window, res: String(q.resolution), world: q.world })}`,
    token,
    signal,
  );

/** An HTTP answer that was not 2xx, with the server's error body when it sent one. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

async function postJson<T>(path: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => undefined)) as { error?: ApiError } | undefined;
  if (!res.ok)
    throw new HttpError(res.status, json?.error ?? { code: 'internal', message: `${path}: HTTP ${res.status}` });
  return json as T;
}

/** `POST /api/login`: a short-lived JWT and who it belongs to. */
export const login = (req: LoginRequest) => postJson<LoginResponse>('/api/login', req);

/** `POST /api/token/refresh`: a fresh token for the same user, before the current one expires. */
export const refreshToken = (token: string) => postJson<LoginResponse>('/api/token/refresh', {}, token);
