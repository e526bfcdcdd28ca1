import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceStatus, DeviceView } from '../../../../../protocol';
import { appendRows, createDeviceBuffer, rewriteRows } from './device-buffer';
import { createDeviceClusterIndex, worstOf, type DeviceCluster } from './device-cluster';
import { DEFAULT_DEVICE_SCATTER } from './device-scatter-layer';

const STATES: DeviceStatus[] = ['online', 'offline', 'fault'];
const device = (i: number, lon: number, lat: number, status: DeviceStatus): DeviceView => ({
  id: `d${i}`,
  ix: i,
  type: 'smoke',
  grid: '330106007001001',
  lon,
  lat,
  status,
  lastSeen: 0,
});

function clustersOf(devices: DeviceView[], zoom: number): DeviceCluster[] {
  const buf = createDeviceBuffer(DEFAULT_DEVICE_SCATTER.colors);
  appendRows(buf, devices, devices.length);
  const index = createDeviceClusterIndex({ cellPx: 56, maxZoom: 16 });
  index.rebuild(buf, zoom);
  return index.clusters();
}

/** Clusters compared without their order or floating-point sums. */
const strip = (cs: DeviceCluster[]) =>
  cs.map((c) => ({ key: c.key, count: c.count, counts: c.counts, worst: c.worst })).sort((a, b) => a.key - b.key);
const byKey = (cs: DeviceCluster[]) => [...cs].sort((a, b) => a.key - b.key);

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

  it('an incremental update (moves, state changes, repeats, new rows) equals a rebuild from scratch', () => {
    fc.assert(
      fc.property(
        arbDevices,
        fc.array(
          fc.record({
            i: fc.nat(),
            s: fc.integer({ min: 0, max: 2 }),
            dx: fc.oneof(fc.constant(0), fc.double({ min: -0.01, max: 0.01, noNaN: true })),
          }),
          { maxLength: 100 },
        ),
        fc.integer({ min: 0, max: 20 }),
        (pts, edits, added) => {
          fc.pre(pts.length > 0);
          const views = pts.map((p, i) => device(i, p.lon, p.lat, STATES[p.s]!));
          const buf = createDeviceBuffer(DEFAULT_DEVICE_SCATTER.colors);
          appendRows(buf, views, views.length);
          const index = createDeviceClusterIndex({ cellPx: 56, maxZoom: 16 });
          index.rebuild(buf, 14);
          const rows = edits.map((e) => {
            const row = e.i % views.length;
            const d = views[row]!;
            views[row] = { ...d, lon: d.lon + e.dx, status: STATES[e.s]! };
            return row;
          });
          rewriteRows(buf, views, rows);
          index.apply(buf, rows);
          for (let k = 0; k < added; k++) views.push(device(views.length, 120.1 + k * 0.001, 30.29, STATES[k % 3]!));
          index.applyRange(buf, appendRows(buf, views, views.length));
          const fresh = byKey(clustersOf(views, 14));
          expect(strip(index.clusters())).toEqual(strip(fresh));
          byKey(index.clusters()).forEach((c, k) => {
            expect(c.lon).toBeCloseTo(fresh[k]!.lon, 6);
            expect(c.lat).toBeCloseTo(fresh[k]!.lat, 6);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a state change keeps the counts version (labels stay), a move or a new row advances it', () => {
    const views = Array.from({ length: 50 }, (_, i) => device(i, 120.08 + i * 0.001, 30.28, 'online'));
    const buf = createDeviceBuffer(DEFAULT_DEVICE_SCATTER.colors);
    appendRows(buf, views, views.length);
    const index = createDeviceClusterIndex();
    index.rebuild(buf, 13);
    const v0 = index.countsVersion;
    views[3] = { ...views[3]!, status: 'fault' };
    rewriteRows(buf, views, [3]);
    index.apply(buf, [3]);
    expect(index.countsVersion).toBe(v0);
    expect(index.clusters().some((c) => c.worst === 'fault')).toBe(true);
    views[4] = { ...views[4]!, lon: views[4]!.lon + 0.02 };
    rewriteRows(buf, views, [4]);
    index.apply(buf, [4]);
    expect(index.countsVersion).toBeGreaterThan(v0);
  });

  it('clusters 100,000 devices and follows 5,000 changes', () => {
    const views = Array.from({ length: 100_000 }, (_, i) =>
      device(i, 120.08 + (i % 316) * 0.0002, 30.27 + Math.floor(i / 316) * 0.0001, 'online'),
    );
    const buf = createDeviceBuffer(DEFAULT_DEVICE_SCATTER.colors);
    appendRows(buf, views, views.length);
    const index = createDeviceClusterIndex();
    index.rebuild(buf, 13);
    const rows = Array.from({ length: 5_000 }, (_, i) => i * 20);
    for (const r of rows) views[r] = { ...views[r]!, status: 'fault' };
    rewriteRows(buf, views, rows);
    index.apply(buf, rows);
    const clusters = index.clusters();
    expect(clusters.reduce((n, c) => n + c.count, 0)).toBe(100_000);
    expect(clusters.reduce((n, c) => n + c.counts[2], 0)).toBe(5_000);
  });
});
