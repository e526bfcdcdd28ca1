import type { ServerStatus } from '../../../protocol';
import type { DistrictInfo } from '../stores/district';

/** GET a JSON resource of the GridPulse server (same origin), with the wall's token when there is one. */
async function getJson<T>(path: string, token?: string): Promise<T> {
  const res = await fetch(path, {
    headers: token ? { Authorization: `Bearer ${token}`, Accept: 'application/json' } : { Accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export const fetchDistrict = (token?: string) => getJson<DistrictInfo>('/api/geo/district', token);
export const fetchStatus = (token?: string) => getJson<ServerStatus>('/api/status', token);
