import type { CaseHexCell, CaseView } from '../protocol';
import { casesInWindow, caseWeight, type CaseWindow } from './case-window';
import { aggregateToCells, cellBoundary } from './h3';

/**
 * The case hexagons of a window: weighted case counts per H3 cell at `resolution`, with each cell's boundary,
 * heaviest first (ties by cell id, so equal inputs give equal answers).
 */
export function caseHexCells(
  cases: readonly CaseView[],
  window: CaseWindow,
  now: number,
  resolution: number,
): CaseHexCell[] {
  const shown = casesInWindow(cases, window, now);
  const cells = aggregateToCells(
    shown.map((c) => [c.lon, c.lat] as [number, number]),
    resolution,
    (_, i) => caseWeight(shown[i]!),
  );
  return [...cells]
    .map(([hex, weight]) => ({ hex, weight, boundary: cellBoundary(hex) as [number, number][] }))
    .sort((a, b) => b.weight - a.weight || (a.hex < b.hex ? -1 : 1));
}
