/**
 * Where a scroll board stands: the id of the row at the top, so a re-ordered or grown list keeps showing the same
 * alert at the top (the board "keeps its place across updates"). Pure: the component drives it on a timer.
 */
export interface BoardPosition {
  topId: string | undefined;
  /** Index of the top row at the last step: where to go on when the top row itself left the list. */
  lastIndex: number;
}

/** Index of the top row now. */
export function topIndex(ids: readonly string[], pos: BoardPosition): number {
  if (ids.length === 0) return 0;
  const i = pos.topId === undefined ? -1 : ids.indexOf(pos.topId);
  return i >= 0 ? i : Math.min(pos.lastIndex, ids.length - 1);
}

/** The furthest the top row may go: the last screenful shows the last row at the bottom. */
export function maxTop(count: number, visible: number): number {
  return Math.max(0, count - Math.max(1, visible));
}

/** One step of the board: down by a row, back to the top after the last screenful; still when all rows fit. */
export function stepBoard(ids: readonly string[], pos: BoardPosition, visible: number): BoardPosition {
  if (ids.length <= visible) return { topId: ids[0], lastIndex: 0 };
  const i = topIndex(ids, pos);
  const next = i >= maxTop(ids.length, visible) ? 0 : i + 1;
  return { topId: ids[next], lastIndex: next };
}

/** Keeps the position valid after the list changed (same top row where it still exists). */
export function settleBoard(ids: readonly string[], pos: BoardPosition, visible: number): BoardPosition {
  if (ids.length <= visible) return { topId: ids[0], lastIndex: 0 };
  const i = Math.min(topIndex(ids, pos), maxTop(ids.length, visible));
  return { topId: ids[i], lastIndex: i };
}
