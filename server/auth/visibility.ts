import { ROOT_SCOPE, levelOfCode } from '../../protocol';

/**
 * Socket.IO rooms by jurisdiction (DESIGN §3.6, §9.7). Every socket joins the one room of its principal's
 * jurisdiction — `viewers:<area>:<m|f>`, `m` for clients whose personal data is masked (wall). Anything about
 * an area (an alert, a KPI change) is sent to the rooms of that area and of every area above it, so it reaches
 * exactly the clients whose jurisdiction contains it.
 */
export function viewerRoom(area: string, masked: boolean): string {
  return `viewers:${area}:${masked ? 'm' : 'f'}`;
}

/** The jurisdictions that contain `code`: `*`, then every ancestor code (6, 9, 12 digits…) and the code itself. */
export function jurisdictionsContaining(code: string): string[] {
  const out = [ROOT_SCOPE];
  if (code === ROOT_SCOPE || levelOfCode(code) === undefined) return out;
  for (let len = 6; len <= code.length; len += 3) out.push(code.slice(0, len));
  return out;
}

/** Rooms to send something about `code` to, split by masking. */
export function viewerRoomsFor(code: string): { full: string[]; masked: string[] } {
  const areas = jurisdictionsContaining(code);
  return { full: areas.map((a) => viewerRoom(a, false)), masked: areas.map((a) => viewerRoom(a, true)) };
}
