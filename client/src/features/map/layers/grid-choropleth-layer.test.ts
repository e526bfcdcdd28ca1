import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GRID_CHOROPLETH,
  createGridChoroplethLayers,
  featureStateDiff,
  legendStops,
  niceScaleMax,
} from './grid-choropleth-layer';

describe('grid choropleth', () => {
  it('rounds the scale maximum up to 1/2/5 × 10ⁿ, at least 5', () => {
    expect(niceScaleMax(0)).toBe(5);
    expect(niceScaleMax(3)).toBe(5);
    expect(niceScaleMax(7)).toBe(10);
    expect(niceScaleMax(11)).toBe(20);
    expect(niceScaleMax(48)).toBe(50);
    expect(niceScaleMax(51)).toBe(100);
    expect(niceScaleMax(100)).toBe(100);
  });

  it('spreads legend stops from 0 to the maximum', () => {
    const stops = legendStops(DEFAULT_GRID_CHOROPLETH, 50);
    expect(stops[0]?.value).toBe(0);
    expect(stops.at(-1)?.value).toBe(50);
    expect(stops).toHaveLength(DEFAULT_GRID_CHOROPLETH.colors.length);
  });

  it('draws only grids, coloured from feature-state', () => {
    const [fill] = createGridChoroplethLayers(DEFAULT_GRID_CHOROPLETH, 10);
    expect(fill?.filter).toEqual(['==', ['get', 'level'], 'grid']);
    expect(JSON.stringify(fill?.paint['fill-color'])).toContain('feature-state');
  });

  it('touches only grids whose count changed', () => {
    const applied = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    expect(
      featureStateDiff(applied, [
        ['a', 1],
        ['b', 3],
        ['c', 0],
      ]),
    ).toEqual([
      ['b', 3],
      ['c', 0],
    ]);
  });
});
