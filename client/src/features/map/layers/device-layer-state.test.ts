import type { ScatterplotLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import type { DeviceStatus, DeviceView } from '../../../../../protocol';
import { appendRows, createDeviceBuffer, rewriteRows } from './device-buffer';
import type { DeviceCluster } from './device-cluster';
import { createDeviceLayerState } from './device-layer-state';
import { DEFAULT_DEVICE_SCATTER } from './device-scatter-layer';

const STATES: DeviceStatus[] = ['online', 'offline', 'fault'];
const device = (i: number, status: DeviceStatus = 'online'): DeviceView => ({
  id: `d${i}`,
  ix: i,
  type: 'smoke',
  grid: '330106007001001',
  lon: 120.08 + (i % 100) * 0.0005,
  lat: 30.27 + Math.floor(i / 100) * 0.0004,
  status,
  lastSeen: 0,
});

type ClusterData = { props: { data: DeviceCluster[] } };
const clusterLayers = (layers: unknown[]) => layers as [ClusterData, ClusterData];
const stateCounts = (cs: readonly DeviceCluster[]) =>
  cs.reduce<number[]>((acc, c) => acc.map((n, s) => n + c.counts[s]!), [0, 0, 0]);

describe('device layer state', () => {
  it('appends a snapshot in slices; a delta during the catch-up ends as if applied to the whole snapshot', () => {
    const views = Array.from({ length: 2_500 }, (_, i) => device(i));
    const state = createDeviceLayerState();
    state.setZoom(13);
    state.reset();
    expect(state.sync(views, 1_000)).toBe(1_500);
    expect(state.length).toBe(1_000);
    // Rows 10 (drawn) and 2,000 (not yet) change; 2,000 is read fresh when appended.
    views[10] = { ...views[10]!, status: 'fault' };
    views[2_000] = { ...views[2_000]!, status: 'offline' };
    state.queue([10, 2_000]);
    expect(state.sync(views, 1_000)).toBe(500);
    expect(state.sync(views, 1_000)).toBe(0);
    const [discs] = clusterLayers(state.layers());
    expect(discs.props.data.reduce((n, c) => n + c.count, 0)).toBe(2_500);
    expect(stateCounts(discs.props.data)).toEqual([2_498, 1, 1]);
    expect(state.buffer.views[2_000]!.status).toBe('offline');
  });

  it('keeps the mode not shown in deck, hidden and unchanged, so switching back updates rather than rebuilds', () => {
    const views = Array.from({ length: 500 }, (_, i) => device(i));
    const state = createDeviceLayerState();
    state.setZoom(13);
    state.sync(views);
    const shownClusters = state.layers();
    expect(shownClusters.map((l) => [l.id, l.props.visible])).toEqual([
      ['gp-device-clusters', true],
      ['gp-device-clusters-count', true],
    ]);
    // A fly-to a grid: single points, and the clusters stay behind, hidden, with the very data they drew.
    state.setZoom(17);
    const atGrid = state.layers();
    expect(atGrid.map((l) => [l.id, l.props.visible])).toEqual([
      [DEFAULT_DEVICE_SCATTER.id, true],
      ['gp-device-clusters', false],
      ['gp-device-clusters-count', false],
    ]);
    expect(atGrid[1]!.props.data).toBe(shownClusters[0]!.props.data);
    // Back to the street: clusters shown again, the points hidden with the columns they last drew.
    const points = (atGrid[0] as ScatterplotLayer).props.data as unknown as { attributes: { getPosition: { value: unknown } } };
    state.setZoom(13);
    const back = state.layers();
    expect(back.map((l) => [l.id, l.props.visible])).toEqual([
      ['gp-device-clusters', true],
      ['gp-device-clusters-count', true],
      [DEFAULT_DEVICE_SCATTER.id, false],
    ]);
    const hidden = (back[2] as ScatterplotLayer).props.data as unknown as typeof points;
    expect(hidden.attributes.getPosition.value).toBe(points.attributes.getPosition.value);
  });

  it('keeps the clusters of recent zoom levels through visits elsewhere, following the deltas made meanwhile', () => {
    const views = Array.from({ length: 3_000 }, (_, i) => device(i));
    const state = createDeviceLayerState();
    const drawn = () => clusterLayers(state.layers())[0].props.data;
    const byKey = (cs: readonly DeviceCluster[]) =>
      [...cs].sort((a, b) => a.key - b.key).map((c) => [c.key, c.count, ...c.counts, c.lon.toFixed(9), c.lat.toFixed(9)]);
    const freshCut = (z: number) => {
      const fresh = createDeviceLayerState();
      fresh.setZoom(z);
      fresh.sync(views);
      return byKey(clusterLayers(fresh.layers())[0].props.data);
    };
    const change = (row: number, patch: Partial<DeviceView>) => {
      views[row] = { ...views[row]!, ...patch };
      state.queue([row]);
      state.sync(views);
    };
    state.setZoom(13.4);
    state.sync(views);
    // The street, a community, a grid (single points): devices change and one moves at each stop.
    state.setZoom(14.2);
    change(5, { status: 'fault' });
    state.setZoom(17);
    change(6, { status: 'offline' });
    change(7, { lon: views[2_999]!.lon, lat: views[2_999]!.lat });
    // Back up: each kept level draws what a fresh cut of the same devices draws.
    state.setZoom(14.9);
    expect(byKey(drawn())).toEqual(freshCut(14.9));
    state.setZoom(13.6);
    expect(byKey(drawn())).toEqual(freshCut(13.6));
    expect(stateCounts(drawn())).toEqual([2_998, 1, 1]);
    // Two more levels push the street's out; it is cut anew, still exact.
    state.setZoom(12.1);
    state.setZoom(11.1);
    change(8, { status: 'fault' });
    state.setZoom(13.2);
    expect(byKey(drawn())).toEqual(freshCut(13.2));
    expect(stateCounts(drawn())).toEqual([2_997, 1, 2]);
  });

  it('stops appending once the frame has no time left, one slice at least', () => {
    const views = Array.from({ length: 20_000 }, (_, i) => device(i));
    const state = createDeviceLayerState();
    state.setZoom(13);
    const left = state.sync(views, 25_000, () => false);
    expect(state.length).toBeGreaterThan(0);
    expect(left).toBe(20_000 - state.length);
    let calls = 0;
    expect(state.sync(views, 25_000, () => ++calls < 2)).toBeLessThan(left);
    expect(state.sync(views)).toBe(0);
    const [discs] = clusterLayers(state.layers());
    expect(discs.props.data.reduce((n, c) => n + c.count, 0)).toBe(20_000);
  });

  it('a status-only delta hands deck new cluster discs but the same label data', () => {
    const views = Array.from({ length: 400 }, (_, i) => device(i));
    const state = createDeviceLayerState();
    state.setZoom(13);
    state.sync(views);
    const [discs0, labels0] = clusterLayers(state.layers());
    expect(state.layers()).toBe(state.layers());
    views[7] = { ...views[7]!, status: STATES[2]! };
    state.queue([7]);
    state.sync(views);
    const [discs1, labels1] = clusterLayers(state.layers());
    expect(discs1.props.data).not.toBe(discs0.props.data);
    expect(labels1.props.data).toBe(labels0.props.data);
    views[400] = device(400);
    state.sync(views);
    const [, labels2] = clusterLayers(state.layers());
    expect(labels2.props.data).not.toBe(labels1.props.data);
  });

  it('in point mode re-hands only the columns that changed', () => {
    const views = Array.from({ length: 300 }, (_, i) => device(i));
    const state = createDeviceLayerState();
    state.setZoom(17);
    expect(state.mode()).toBe('points');
    state.sync(views);
    const attrs = () =>
      (state.layers()[0] as ScatterplotLayer).props.data as unknown as {
        length: number;
        attributes: Record<string, { value: ArrayLike<number> }>;
      };
    const a0 = attrs().attributes;
    views[5] = { ...views[5]!, status: 'fault' };
    state.queue([5]);
    state.sync(views);
    const a1 = attrs();
    expect(a1.length).toBe(300);
    expect(a1.attributes.getPosition).toBe(a0.getPosition);
    expect(a1.attributes.getFillColor).not.toBe(a0.getFillColor);
    expect(Array.from(a1.attributes.getFillColor!.value).slice(20, 24)).toEqual(DEFAULT_DEVICE_SCATTER.colors.fault);
    views[6] = { ...views[6]!, lon: views[6]!.lon + 0.001 };
    state.queue([6]);
    state.sync(views);
    expect(attrs().attributes.getPosition).not.toBe(a1.attributes.getPosition);
  });

  it('switching between points and clusters keeps every device', () => {
    const views = Array.from({ length: 1_000 }, (_, i) => device(i, STATES[i % 3]!));
    const state = createDeviceLayerState();
    state.setZoom(17);
    state.sync(views);
    for (let i = 0; i < 1_000; i += 2) views[i] = { ...views[i]!, status: 'online' };
    state.queue(Array.from({ length: 500 }, (_, k) => k * 2));
    state.sync(views);
    state.setZoom(12.5);
    expect(state.mode()).toBe('clusters');
    const [discs] = clusterLayers(state.layers());
    const want = [0, 1, 2].map((s) => views.filter((d) => d.status === STATES[s]).length);
    expect(stateCounts(discs.props.data)).toEqual(want);
  });
});

describe('device buffer', () => {
  it('moves the position and status versions only when positions or states change', () => {
    const views = [device(0), device(1)];
    const buf = createDeviceBuffer(DEFAULT_DEVICE_SCATTER.colors);
    appendRows(buf, views, 2);
    const p = buf.positionsVersion;
    const s = buf.statusVersion;
    views[1] = { ...views[1]!, lastSeen: 5 };
    expect(rewriteRows(buf, views, [1, 7])).toBe(1);
    expect([buf.positionsVersion, buf.statusVersion]).toEqual([p, s]);
    expect(buf.views[1]!.lastSeen).toBe(5);
    views[1] = { ...views[1]!, status: 'fault' };
    rewriteRows(buf, views, [1]);
    expect([buf.positionsVersion, buf.statusVersion]).toEqual([p, s + 1]);
    expect(buf.sizes[1]).toBeGreaterThan(buf.sizes[0]!);
  });
});
