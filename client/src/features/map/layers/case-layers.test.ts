import { describe, expect, it } from 'vitest';
import type { CaseView } from '../../../../../protocol';
import { caseHexCells, hexColor } from './case-hex-layer';
import { DEFAULT_CASE_HEX } from './case-layer-config';
import { casesInWindow } from './case-window';

const H = 3_600_000;
const kase = (id: string, state: CaseView['state'], reportedAt: number, lon = 120.1): CaseView => ({
  id,
  status: 'reported',
  state,
  category: 'x',
  channel: 'hotline',
  urgency: 'normal',
  grid: 'g',
  lon,
  lat: 30.28,
  reportedAt,
  deadline: 0,
  closedAt: state === 'closed' ? reportedAt + H : null,
});

describe('case layers', () => {
  const now = 100 * 24 * H;
  const cases = [
    kase('a', 'open', now - 2 * H),
    kase('b', 'overdue', now - 30 * H),
    kase('c', 'closed', now - 3 * H),
    kase('d', 'open', now - 9 * 24 * H),
  ];

  it('picks the cases of a time window', () => {
    expect(casesInWindow(cases, 'open', now).map((c) => c.id)).toEqual(['a', 'b', 'd']);
    expect(casesInWindow(cases, '24h', now).map((c) => c.id)).toEqual(['a', 'c']);
    expect(casesInWindow(cases, '7d', now).map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('counts cases per H3 cell, overdue double, heaviest first', () => {
    const cells = caseHexCells([kase('a', 'open', 0), kase('b', 'overdue', 0), kase('c', 'open', 0, 120.2)], 9);
    expect(cells.map((c) => c.weight)).toEqual([3, 1]);
    expect(hexColor(3, 3, DEFAULT_CASE_HEX.colors)).toEqual(DEFAULT_CASE_HEX.colors.at(-1));
    expect(hexColor(1, 3, DEFAULT_CASE_HEX.colors)).toEqual(DEFAULT_CASE_HEX.colors[0]);
  });
});
