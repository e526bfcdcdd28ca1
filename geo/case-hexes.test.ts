import { getResolution, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { caseHexCells } from './case-hexes';
import { HOUR_MS as H, caseAt as kase } from './test-support/case-fixtures';


describe('case hexagons', () => {
  it('counts the window cases per H3 cell, overdue double, heaviest first, with closed boundaries', () => {
    const now = 10 * 24 * H;
    const cases = [
      kase('a', 'open', now - H),
      kase('b', 'overdue', now - 2 * H),
      kase('c', 'open', now - H, 120.2),
      kase('d', 'closed', now - H),
    ];
    const cells = caseHexCells(cases, 'open', now, 9);
    expect(cells.map((c) => [c.hex, c.weight])).toEqual([
      [latLngToCell(30.28, 120.1, 9), 3],
      [latLngToCell(30.28, 120.2, 9), 1],
    ]);
    for (const c of cells) {
      expect(c.boundary.length).toBeGreaterThanOrEqual(7);
      expect(c.boundary[0]).toEqual(c.boundary.at(-1));
    }
    // The 24 h window counts the closed case too.
    expect(caseHexCells(cases, '24h', now, 10).map((c) => c.weight)).toEqual([4, 1]);
    expect(getResolution(caseHexCells(cases, '24h', now, 10)[0]!.hex)).toBe(10);
    expect(caseHexCells([], 'open', now, 9)).toEqual([]);
  });
});
