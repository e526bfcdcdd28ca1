/**
 * Geography contract (DESIGN §3.1). Area codes are strings; a parent's code is a prefix of its children's,
 * so every roll-up is a prefix roll-up:
 *   admin division (GB/T 2260) 6 digits → street 9 → community 12 → grid 15.
 */
export type AreaLevel = 'district' | 'street' | 'community' | 'grid';

/** Code length per level: district 6, street 9, community 12, grid 15. */
export const CODE_LENGTH: Readonly<Record<AreaLevel, number>> = {
  district: 6,
  street: 9,
  community: 12,
  grid: 15,
};

const LEVEL_BY_LENGTH = new Map<number, AreaLevel>(
  (Object.entries(CODE_LENGTH) as [AreaLevel, number][]).map(([level, len]) => [len, level]),
);

/** The whole deployment: a scope that matches every area. */
export const ROOT_SCOPE = '*';

/** Level of an area code, or undefined when the code has no valid length or is not all digits. */
export function levelOfCode(code: string): AreaLevel | undefined {
  if (!/^\d+$/.test(code)) return undefined;
  return LEVEL_BY_LENGTH.get(code.length);
}

/** The ancestor code of `code` at `level` (prefix), or undefined when `code` is above that level. */
export function ancestorCode(code: string, level: AreaLevel): string | undefined {
  const len = CODE_LENGTH[level];
  return code.length >= len ? code.slice(0, len) : undefined;
}

/** Codes of `code` and all its ancestors, from the district down (used for roll-ups). */
export function lineageCodes(code: string): string[] {
  const out: string[] = [];
  for (const len of [6, 9, 12, 15]) if (code.length >= len) out.push(code.slice(0, len));
  return out;
}

/** Whether `code` lies inside `scope` (a scope is an area code or ROOT_SCOPE). */
export function inScope(code: string, scope: string): boolean {
  return scope === ROOT_SCOPE || code.startsWith(scope);
}

/** An area as the client sees it (geometry travels separately, as GeoJSON). */
export interface AreaInfo {
  code: string;
  level: AreaLevel;
  name: string;
  nameEn?: string;
  parent?: string;
  /** Label anchor [lon, lat], WGS84. */
  center: [number, number];
}
