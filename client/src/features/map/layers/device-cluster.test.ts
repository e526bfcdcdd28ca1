import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceStatus, DeviceView } from '../../../../../protocol';
import { createDeviceBuffer, upsertDevices } from './device-buffer';
import { DEFAULT_DEVICE_SCATTER } from './device-scatter-layer';
import { createDeviceClusterIndex, worstOf, type DeviceCluster } from './device-cluster';

const STATES: DeviceStatus[] = ['online', 'offline', 'fault'];
const device = (i: number, lon: number, lat: number, status: DeviceStatus): DeviceView => ({
  id: `d${i}`,
  type: 'smoke',
  grid: '330106007001001',
  lon,
  lat,
  status,
  lastSeen: 0,
});

function clustersOf(devices: DeviceView[], zoom: number): DeviceCluster[] {
  const buf = createDeviceBuffer(DEFAULT_DEVICE_SCATTER.colors);
  upsertDevices(buf, devices);
  const index = createDeviceClusterIndex({ cellPx: 56, maxZoom: 16 });
  index.rebuild(buf, zoom);
  return index.clusters();
}

const arbDevices = fc.array(
  fc.record({
    lon: fc.double({ min: 120.08, max: 120.14, noNaN: true }),
    lat: fc.double({ min: 30.27, max: 30.31, noNaN: true }),
    s: fc.integer({ min: 0, max: 2 }),
  }),
  { maxLength: 300 },
);

describe('device clustering', () => {
  it('worst state wins: fault over offline over online', () => {
    expect(worstOf([5, 0, 0])).toBe('online');
    expect(worstOf([5, 1, 0])).toBe('offline');
    expect(worstOf([5, 9, 1])).toBe('fault');
  });

  it('counts add up to the number of devices, per state and in total, at every zoom', () => {
    fc.assert(
      fc.property(arbDevices, fc.integer({ min: 10, max: 15 }), (pts, z) => {
        const devices = pts.map((p, i) => device(i, p.lon, p.lat, STATES[p.s]!));
        const clusters = clustersOf(devices, z);
        expect(clusters.reduce((n, c) => n + c.count, 0)).toBe(devices.length);
        for (const [s, state] of STATES.entries()) {
          expect(clusters.reduce((n, c) => n + c.counts[s]!, 0)).toBe(devices.filter((d) => d.status === state).length);
        }
        for (const c of clusters) {
          expect(c.counts[0] + c.counts[1] + c.counts[2]).toBe(c.count);
          expect(c.worst).toBe(worstOf(c.counts));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('fewer, larger clusters at lower zoom', () => {
    const devices = Array.from({ length: 500 }, (_, i) =>
      device(i, 120.08 + (i % 25) * 0.002, 30.27 + Math.floor(i / 25) * 0.002, 'online'),
    );
    expect(clustersOf(devices, 12).length).toBeLessThan(clustersOf(devices, 15).length);
  });

  it('an incremental update equals a rebuild from scratch', () => {
    fc.assert(
      fc.property(
        arbDevices,
        fc.array(
          fc.record({
            i: fc.nat(),
            s: fc.integer({ min: 0, max: 2 }),
            dx: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
          }),
          { maxLength: 100 },
        ),
        (pts, edits) => {
          fc.pre(pts.length > 0);
          const devices = pts.map((p, i) => device(i, p.lon, p.lat, STATES[p.s]!));
          const buf = createDeviceBuffer(DEFAULT_DEVICE_SCATTER.colors);
          upsertDevices(buf, devices);
          const index = createDeviceClusterIndex({ cellPx: 56, maxZoom: 16 });
          index.rebuild(buf, 14);
          const changed = edits.map((e) => {
            const d = devices[e.i % devices.length]!;
            const next = { ...d, lon: d.lon + e.dx, status: STATES[e.s]! };
            devices[e.i % devices.length] = next;
            return next;
          });
          index.apply(buf, upsertDevices(buf, changed));
          const fresh = clustersOf(devices, 14);
          const strip = (cs: DeviceCluster[]) =>
            cs.map((c) => ({ key: c.key, count: c.count, counts: c.counts, worst: c.worst }));
          expect(strip(index.clusters())).toEqual(strip(fresh));
          index.clusters().forEach((c, k) => expect(c.lon).toBeCloseTo(fresh[k]!.lon, 6));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('clusters 100,000 devices and applies 5,000 changes quickly', () => {
    const devices = Array.from({ length: 100_000 }, (_, i) =>
      device(i, 120.08 + (i % 316) * 0.0002, 30.27 + Math.floor(i / 316) * 0.0001, 'online'),
    );
    const buf = createDeviceBuffer(DEFAULT_DEVICE_SCATTER.colors);
    upsertDevices(buf, devices);
    const index = createDeviceClusterIndex();
    index.rebuild(buf, 13);
    const t0 = performance.now();
    index.apply(
      buf,
      upsertDevices(
        buf,
        devices.slice(0, 5_000).map((d) => ({ ...d, status: 'fault' as const })),
      ),
    );
    const clusters = index.clusters();
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(clusters.reduce((n, c) => n + c.counts[2], 0)).toBe(5_000);
  });
});
