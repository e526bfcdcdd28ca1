import { CODE_LENGTH, type AreaLevel } from '../../protocol';
import { codeSuffix, orderWestEastNorthSouth } from '../grid-order';
import type { Shape } from './spatial';

/** A 6-digit GB/T 2260 code. */
export const ADMIN_CODE = /^\d{6}$/;

/**
 * The admin code that generated codes start with, from the source codes when they are GB/T 2260 codes:
 * one 6-digit code shared by every longer code (a street file of one district), or the city `xxxx00` when
 * 6-digit codes of one city differ (a city's districts). Undefined when nothing fits.
 */
export function deriveAdminCode(sourceCodes: readonly (string | undefined)[]): string | undefined {
  const codes = sourceCodes.filter((c): c is string => c !== undefined && /^\d{6,}$/.test(c));
  if (codes.length === 0 || codes.length !== sourceCodes.length) return undefined;
  const admins = new Set(codes.map((c) => c.slice(0, 6)));
  if (admins.size === 1) {
    const only = [...admins][0] as string;
    // A file of 6-digit codes that are all the same (one district) is that district; longer codes share it.
    return only;
  }
  const cities = new Set(codes.map((c) => c.slice(0, 4)));
  if (cities.size === 1) return `${[...cities][0] as string}00`;
  const provinces = new Set(codes.map((c) => c.slice(0, 2)));
  return provinces.size === 1 ? `${[...provinces][0] as string}0000` : undefined;
}

/**
 * Code of the `index`-th (0-based) child of `parent` at `level` (DESIGN §3.1): the parent's code, then
 * zeros for skipped levels, then a 3-digit sequence from 001. Past 999 children the sequence carries into
 * the skipped digits (a single-level file of thousands of areas still gets unique, valid-length codes).
 * @throws RangeError when the children cannot be numbered in the digits available.
 */
export function childCode(parent: string, level: AreaLevel, index: number): string {
  const gap = CODE_LENGTH[level] - parent.length;
  if (gap < 3) throw new RangeError(`a ${level} cannot be a child of ${parent}`);
  const carry = Math.floor(index / 999);
  const carryDigits = gap - 3;
  if (carry > 0 && carry >= 10 ** carryDigits) throw new RangeError(`more than 999 children of ${parent}`);
  return `${parent}${carryDigits > 0 ? String(carry).padStart(carryDigits, '0') : ''}${codeSuffix((index % 999) + 1)}`;
}

/** Shapes in numbering order: west→east, north→south by interior point, rows by median height (geo/grid-order). */
export function numberingOrder<T extends Shape>(shapes: readonly T[]): T[] {
  const items = shapes.map((s) => ({ s, center: s.point, height: s.bbox[3] - s.bbox[1] }));
  return orderWestEastNorthSouth(items).map((i) => i.s);
}
