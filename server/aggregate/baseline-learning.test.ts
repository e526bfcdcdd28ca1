import { describe, expect, it } from 'vitest';
import type { IngestEvent } from '../../protocol';
import { Aggregator } from './aggregator';
import { M } from './measures';

const T = Date.UTC(2026, 10, 23, 16, 0, 0); // Tuesday 00:00 Asia/Shanghai
const GRID = '330106007001001';

describe('baselines learn from completed buckets', () => {
  it.each([
    ['250 ms ticks', 250],
    ['one-minute steps', 60_000],
  ])('learns every completed minute and hour with %s', (_, step) => {
    const agg = new Aggregator({ areaCodes: ['330106007', '330106007001', GRID] });
    let n = 0;
    for (let t = T; t <= T + 2 * 3_600_000; t += step) {
      agg.advance(t);
      if (t % 60_000 === 0) {
        const e = {
          v: 1,
          id: `e${n++}`,
          source: 's',
          time: t,
          kind: 'device.telemetry',
          deviceId: 'd',
          deviceType: 'power',
          metrics: { kwh: 1 },
          grid: GRID,
        };
        agg.apply(e as IngestEvent, GRID);
      }
    }
    const key = agg.registry.keyOf(GRID)!;
    const reading = agg.baselines.read(key, M.power, T + 30 * 60_000);
    expect(reading.perMinute).toBeCloseTo(1, 6);
    expect(reading.samples).toBe(1);
    expect(reading.hourly).toBe(60);
  });
});
