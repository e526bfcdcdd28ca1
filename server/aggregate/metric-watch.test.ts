import { describe, expect, it } from 'vitest';
import { DeviceTracker, type DeviceObservation } from './device-tracker';

const T = Date.UTC(2026, 10, 24, 0, 0, 0);
const obs = (id: string, eventId: string, time: number, metrics?: Record<string, number>): DeviceObservation => ({
  id,
  eventId,
  type: 'water',
  grid: '330106007001001',
  lineage: Int32Array.from([0, 1]),
  lon: undefined,
  lat: undefined,
  time,
  fault: undefined,
  metrics,
});
const FLOW = { key: 'water|flow_l>0', type: 'water' as const, metric: 'flow_l', op: '>' as const, value: 0 };

describe('metric watches (absence rules)', () => {
  it('keeps the newest matching event time, whatever the arrival order', () => {
    const t = new DeviceTracker(2);
    t.watchMetrics([FLOW]);
    t.observe(obs('w1', 'e2', T + 2000, { flow_l: 3 }), T + 2000);
    t.observe(obs('w1', 'e1', T + 1000, { flow_l: 5 }), T + 2000);
    t.observe(obs('w1', 'e3', T + 3000, { flow_l: 0 }), T + 3000);
    expect(t.quietSince(t.get('w1')!, FLOW.key)).toBe(T + 2000);
    // Existing behaviour is untouched: metrics follow the newest telemetry.
    expect(t.get('w1')!.metrics).toEqual({ flow_l: 0 });
  });

  it('without a match, quiet since the device’s first event or the watch’s registration, whichever is later', () => {
    const t = new DeviceTracker(2);
    t.observe(obs('w1', 'e1', T, { flow_l: 0 }), T);
    t.observe(obs('w1', 'e2', T + 60_000, { flow_l: 0 }), T + 60_000);
    expect(t.quietSince(t.get('w1')!, FLOW.key)).toBeUndefined();
    t.watchMetrics([FLOW]);
    expect(t.quietSince(t.get('w1')!, FLOW.key)).toBe(T + 60_000);
    t.observe(obs('w2', 'e3', T + 120_000, { flow_l: 0 }), T + 120_000);
    expect(t.quietSince(t.get('w2')!, FLOW.key)).toBe(T + 120_000);
  });

  it('forgets a removed watch and keeps a kept one', () => {
    const t = new DeviceTracker(2);
    t.watchMetrics([FLOW]);
    t.observe(obs('w1', 'e1', T, { flow_l: 1 }), T);
    t.watchMetrics([FLOW, { ...FLOW, key: 'water|leak==1', metric: 'leak', op: '==', value: 1 }]);
    expect(t.quietSince(t.get('w1')!, FLOW.key)).toBe(T);
    t.watchMetrics([]);
    expect(t.quietSince(t.get('w1')!, FLOW.key)).toBeUndefined();
    expect(t.get('w1')!.matched?.size ?? 0).toBe(0);
  });
});
