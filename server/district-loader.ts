import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { builtinDistrict, parseDistrict } from '../geo/district';
import type { District } from '../geo/district.types';

/**
 * The district the server watches: the built-in one, or a package written by `gridpulse import-geo`
 * (a folder holding district.json, or the file itself) when GEO is set.
 */
export function loadDistrict(path: string | undefined): District {
  if (!path) return builtinDistrict();
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'district.json');
  } catch {
    throw new Error(`GEO=${path}: no such file or folder`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`GEO=${path}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parseDistrict(json);
  } catch (err) {
    throw new Error(`GEO=${path}: ${(err as Error).message}`, { cause: err });
  }
}
