import { ROOT_SCOPE } from '../../protocol';

/**
 * Integer keys for every area (and the whole deployment, key 0), so windows and counters index typed
 * arrays instead of maps. A grid's lineage is the keys that one of its events counts towards:
 * the deployment, then every known ancestor area, then the grid itself (roll-up by code prefix).
 */
export class AreaRegistry {
  static readonly ROOT_KEY = 0;
  private readonly keys = new Map<string, number>();
  private readonly codes: string[] = [ROOT_SCOPE];
  private readonly lineages = new Map<string, Int32Array>();

  constructor(codes: Iterable<string>) {
    this.keys.set(ROOT_SCOPE, AreaRegistry.ROOT_KEY);
    for (const code of codes) {
      if (this.keys.has(code)) continue;
      this.keys.set(code, this.codes.length);
      this.codes.push(code);
    }
  }

  get size(): number {
    return this.codes.length;
  }

  keyOf(code: string): number | undefined {
    return this.keys.get(code);
  }

  codeOf(key: number): string {
    const code = this.codes[key];
    if (code === undefined) throw new RangeError(`no area with key ${key}`);
    return code;
  }

  has(code: string): boolean {
    return this.keys.has(code);
  }

  /** Keys an event in `grid` counts towards; undefined when the grid is unknown. */
  lineage(grid: string): Int32Array | undefined {
    const cached = this.lineages.get(grid);
    if (cached) return cached;
    if (!this.keys.has(grid)) return undefined;
    const keys = [AreaRegistry.ROOT_KEY];
    for (let len = 1; len <= grid.length; len++) {
      const key = this.keys.get(grid.slice(0, len));
      if (key !== undefined) keys.push(key);
    }
    const lineage = Int32Array.from(keys);
    this.lineages.set(grid, lineage);
    return lineage;
  }

  /** For every key, how many grids (15-digit codes) it covers; 1 for a grid. */
  gridCounts(): Int32Array {
    const counts = new Int32Array(this.codes.length);
    for (const code of this.codes) {
      if (code.length !== 15) continue;
      for (const key of this.lineage(code)!) counts[key]!++;
    }
    return counts;
  }

  /** Codes of the areas inside `scope` (excluding the scope itself), in registry order. */
  codesWithin(scope: string): string[] {
    return this.codes.filter((code) => code !== ROOT_SCOPE && code !== scope && (scope === ROOT_SCOPE || code.startsWith(scope)));
  }
}
