import { describe, expect, it } from 'vitest';
import { settleBoard, stepBoard, topIndex, type BoardPosition } from './scroll-board';

describe('alert scroll board', () => {
  it('steps a row at a time and goes back to the top after the last screenful', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    let pos: BoardPosition = { topId: 'a', lastIndex: 0 };
    const tops: string[] = [];
    for (let i = 0; i < 4; i++) {
      pos = stepBoard(ids, pos, 3);
      tops.push(pos.topId!);
    }
    expect(tops).toEqual(['b', 'c', 'a', 'b']);
  });

  it('stays still when every row fits', () => {
    expect(stepBoard(['a', 'b'], { topId: 'b', lastIndex: 1 }, 3)).toEqual({ topId: 'a', lastIndex: 0 });
  });

  it('keeps the same alert on top when others arrive above it or leave', () => {
    const pos = { topId: 'c', lastIndex: 2 };
    // A new critical alert sorted in at the top, another one resolved: 'c' is still the top row.
    const after = settleBoard(['new', 'a', 'c', 'd', 'e', 'f'], pos, 3);
    expect(after.topId).toBe('c');
    expect(topIndex(['new', 'a', 'c', 'd', 'e', 'f'], after)).toBe(2);
  });

  it('moves on to the neighbour when the top row itself leaves', () => {
    const after = settleBoard(['a', 'b', 'd', 'e', 'f'], { topId: 'c', lastIndex: 2 }, 2);
    expect(after.topId).toBe('d');
  });
});
