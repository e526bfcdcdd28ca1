import { describe, expect, it } from 'vitest';
import { alertFixture } from './duty-store.contract';
import { KPI_WINDOW_MS, KpiBook } from './duty-kpis';

const T = Date.UTC(2026, 10, 28, 2, 0, 0);
const G_B = '330106007002001';

describe('KpiBook', () => {
  it('takes medians per severity (mean of the middle two for an even count) and says when TTA/TTR happen', () => {
    const book = new KpiBook();
    const ttas = [10, 20, 40, 80].map((s, i) => {
      const a = alertFixture(`a${i}`, { firstSeen: T });
      book.note(a);
      return book.note({ ...a, acknowledged: true, ackAt: T + s * 1000 });
    });
    expect(ttas.map((e) => e.ttaMs)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(book.note({ ...alertFixture('a0', { firstSeen: T }), acknowledged: true, ackAt: T + 10_000 }).ttaMs).toBeUndefined();
    const k = book.compute('*', T + 100_000);
    expect(k.bySeverity.critical).toEqual({ raised: 4, acknowledged: 4, resolved: 0, ttaMedianMs: 30_000, ttrMedianMs: null });
    expect(k.open.critical).toBe(4);
  });

  it('filters by jurisdiction and forgets resolved alerts older than the window', () => {
    const book = new KpiBook();
    book.load([{ id: 'old', severity: 'major', grid: G_B, firstSeen: T - KPI_WINDOW_MS - 1, ackAt: T - 1000, resolvedAt: T - 500 }]);
    book.note(alertFixture('b', { subject: { type: 'area', id: G_B, grid: G_B }, severity: 'minor', firstSeen: T }));
    expect(book.compute('330106007002', T).bySeverity.minor.raised).toBe(1);
    expect(book.compute('330106007001', T).open.minor).toBe(0);
    expect(book.compute('*', T).bySeverity.major.raised).toBe(0);
    // Pruning drops old resolved alerts, never open ones, however old.
    book.load([{ id: 'old-open', severity: 'warning', grid: G_B, firstSeen: T - 3 * KPI_WINDOW_MS, ackAt: null, resolvedAt: null }]);
    book.prune(T);
    expect(book.compute('*', T).open).toEqual({ warning: 1, minor: 1, major: 0, critical: 0 });
  });
});
