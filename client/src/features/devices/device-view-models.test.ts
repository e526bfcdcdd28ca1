import { describe, expect, it } from 'vitest';
import { areaStats } from '../../test-support/frame-fixtures';
import { deviceHealthRows } from './device-health.view-model';
import { liveMetricsView, usageVsUsual } from './device-live-metrics.view-model';

describe('device health rows', () => {
  it('lists all eight types in protocol order with stacked shares', () => {
    const s = areaStats('*');
    s.devicesByType.camera = { total: 4, online: 2, offline: 1, fault: 1 };
    const rows = deviceHealthRows(s.devicesByType);
    expect(rows.map((r) => r.type)).toEqual(['access', 'parking', 'water', 'power', 'bin', 'smoke', 'wearable', 'camera']);
    expect(rows[7]).toMatchObject({ total: 4, onlinePct: 50, offlinePct: 25, faultPct: 25, onlineRatio: 0.5 });
    expect(rows[0]).toMatchObject({ total: 0, onlinePct: 0, onlineRatio: undefined });
    expect(deviceHealthRows(undefined)).toHaveLength(8);
  });
});

describe('live metrics', () => {
  it('computes parking occupancy, full bins and usage against the usual value', () => {
    const s = areaStats('*');
    s.live = {
      ...s.live,
      parking: { spaces: 40, occupied: 30 },
      binFill: [1, 2, 0, 1, 3],
      doorOpenings1h: 12,
      water1h: 13,
      waterBaseline1h: 10,
      power1h: 50,
      powerBaseline1h: null,
    };
    const v = liveMetricsView(s.live)!;
    expect(v.parkingOccupancy).toBe(0.75);
    expect(v.binsFull).toBe(3);
    expect(v.binsReporting).toBe(7);
    expect(v.water).toMatchObject({ delta: 0.3, direction: 'up', warn: true });
    expect(v.power).toMatchObject({ delta: null, direction: null, warn: false });
    expect(liveMetricsView(undefined)).toBeUndefined();
    expect(liveMetricsView(areaStats('*').live)?.parkingOccupancy).toBeNull();
  });

  it('keeps small changes flat and marks falls down', () => {
    expect(usageVsUsual(10.4, 10).direction).toBe('flat');
    expect(usageVsUsual(8, 10)).toMatchObject({ direction: 'down', warn: false });
    expect(usageVsUsual(5, 0).delta).toBeNull();
  });
});
