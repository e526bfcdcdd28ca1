import { describe, expect, it } from 'vitest';
import type { AreaGeometry } from './district.types';
import { geometryCentroid, pointInGeometry, pointOnSurface } from './geometry';
import { orderWestEastNorthSouth } from './grid-order';

// A "U": its centroid lies in the notch, outside the shape.
const u: AreaGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [3, 0],
      [3, 3],
      [2, 3],
      [2, 1],
      [1, 1],
      [1, 3],
      [0, 3],
      [0, 0],
    ],
  ],
};

describe('geometry', () => {
  it('pointOnSurface stays inside when the centroid does not', () => {
    expect(pointInGeometry(geometryCentroid(u), u)).toBe(false);
    expect(pointInGeometry(pointOnSurface(u), u)).toBe(true);
  });

  it('handles holes', () => {
    const holed: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [4, 0],
          [4, 4],
          [0, 4],
          [0, 0],
        ],
        [
          [1, 1],
          [3, 1],
          [3, 3],
          [1, 3],
          [1, 1],
        ],
      ],
    };
    expect(pointInGeometry([2, 2], holed)).toBe(false);
    expect(pointInGeometry([0.5, 2], holed)).toBe(true);
    expect(pointInGeometry(pointOnSurface(holed), holed)).toBe(true);
  });
});

describe('orderWestEastNorthSouth', () => {
  it('numbers rows north first, west to east inside a row, with a row tolerance', () => {
    const items = [
      { id: 'c', center: [2, 10.1] as [number, number], height: 1 },
      { id: 'a', center: [0, 9.9] as [number, number], height: 1 },
      { id: 'd', center: [0.5, 8] as [number, number], height: 1 },
      { id: 'b', center: [1, 10] as [number, number], height: 1 },
      { id: 'e', center: [1.5, 8.3] as [number, number], height: 1 },
    ];
    expect(orderWestEastNorthSouth(items).map((i) => i.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
