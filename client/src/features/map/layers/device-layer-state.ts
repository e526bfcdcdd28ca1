import type { Layer } from '@deck.gl/core';
import type { DeviceView } from '../../../../../protocol';
import { appendRows, clearRows, createDeviceBuffer, rewriteRows, type DeviceBuffer } from './device-buffer';
import {
  DEFAULT_DEVICE_CLUSTER,
  createDeviceClusterIndex,
  type DeviceCluster,
  type DeviceClusterConfig,
  type DeviceClusterIndex,
} from './device-cluster';
import {
  DEFAULT_DEVICE_CLUSTER_LAYER,
  createDeviceClusterLayers,
  type DeviceClusterLayerConfig,
} from './device-cluster-layer';
import {
  DEFAULT_DEVICE_SCATTER,
  createDeviceScatterLayer,
  type DeviceScatterConfig,
  type DeviceScatterData,
} from './device-scatter-layer';

export type DeviceDrawMode = 'points' | 'clusters';

const MAX_QUEUED_ROWS = 200_000;
/** Rows appended between two looks at the frame's time budget (~1 ms of work). */
const APPEND_SLICE = 4_096;
/** Cluster zoom levels kept up to date at once (the street's, a community's, a grid's). */
const KEPT_CLUSTER_LEVELS = 3;

export interface DeviceLayerConfigs {
  scatter: DeviceScatterConfig;
  cluster: DeviceClusterConfig;
  clusterLayer: DeviceClusterLayerConfig;
}

export const DEFAULT_DEVICE_LAYERS: Readonly<DeviceLayerConfigs> = {
  scatter: DEFAULT_DEVICE_SCATTER,
  cluster: DEFAULT_DEVICE_CLUSTER,
  clusterLayer: DEFAULT_DEVICE_CLUSTER_LAYER,
};

/**
 * The devices' render state, following the devices store's table row by row: a column buffer, an incremental
 * cluster index and the deck layers made from them.
 *
 * - A delta is queued as the rows the store wrote ({@link queue}) and applied on the next frame ({@link sync}):
 *   only those rows are rewritten and re-clustered.
 * - A snapshot ({@link reset}) is appended in slices of at most `maxAppend` rows per frame, so 100,000 devices
 *   never make one long task; deltas arriving meanwhile touch only rows already appended (the rest are read
 *   fresh when appended).
 * - Layers are rebuilt only after a change; an attribute is handed to deck anew only when its column changed,
 *   and cluster labels only when a cluster's count changed (deck.gl diffs by id and data identity).
 * - The draw mode not shown stays in deck, hidden, with the data it last drew: switching modes (a fly-to from the
 *   street to a grid) updates the layer that comes back instead of initialising it anew — on the wall that was
 *   a 15–20 ms stretch of the frame after a takeover (attribute buffers and models made again).
 */
export function createDeviceLayerState(configs: DeviceLayerConfigs = DEFAULT_DEVICE_LAYERS) {
  const buf: DeviceBuffer = createDeviceBuffer(configs.scatter.colors, 1024);
  /**
   * Cluster indexes by integer zoom level, the most recently drawn last: the one drawn and up to
   * {@link KEPT_CLUSTER_LEVELS} − 1 others, which keep following every delta so that going back to their level (a
   * takeover's jump to a grid and back to the street) draws them as they are instead of recounting every device
   * in the frame the camera jumps (~10–20 ms for 10,000 devices on a wall PC).
   */
  const levels = new Map<number, DeviceClusterIndex>();
  let index: DeviceClusterIndex = createDeviceClusterIndex(configs.cluster);
  let zoom = 0;
  let queued = new Int32Array(8192);
  let queuedCount = 0;
  let dirty = true;
  let visible = true;
  let layers: Layer[] = [];
  let positions = buf.positions.subarray(0, 0);
  let colors = buf.colors.subarray(0, 0);
  let sizes = buf.sizes.subarray(0, 0);
  let shownPositions = -1;
  let shownStatus = -1;
  let labels: DeviceCluster[] = [];
  let labelsVersion = -1;
  let labelsIndex: DeviceClusterIndex | undefined;
  /** What each mode last drew, for its hidden layers while the other mode is shown. */
  let lastClusters: { clusters: readonly DeviceCluster[]; labels: readonly DeviceCluster[] } | undefined;
  let lastScatter: DeviceScatterData | undefined;

  const mode = (): DeviceDrawMode => (zoom < configs.cluster.maxZoom ? 'clusters' : 'points');

  /** In cluster mode, the index of the zoom level: kept, or cut anew (the least recently drawn level dropped). */
  function recut() {
    if (mode() !== 'clusters') return;
    const level = Math.floor(zoom);
    let next = levels.get(level);
    if (next) levels.delete(level);
    else {
      next = levels.size >= KEPT_CLUSTER_LEVELS ? levels.get(levels.keys().next().value!)! : createDeviceClusterIndex(configs.cluster);
      for (const [z, kept] of levels) if (kept === next) levels.delete(z);
      next.rebuild(buf, zoom);
    }
    levels.set(level, next);
    index = next;
  }

  function reset() {
    clearRows(buf);
    queuedCount = 0;
    for (const kept of levels.values()) kept.clear();
    levels.clear();
    recut();
    dirty = true;
  }

  return {
    buffer: buf,
    mode,
    /** Rows counted in the clusters and drawn. */
    get length() {
      return buf.length;
    },
    /** The store's table was replaced: forget every row; {@link sync} appends them again. */
    reset,
    /**
     * Rows a store upsert wrote; applied by the next {@link sync}. Should frames stop (a hidden tab) while
     * deltas keep coming, the queue is dropped once it outgrows the table and the rows are redrawn from scratch.
     */
    queue(rows: ArrayLike<number>) {
      if (queuedCount + rows.length > Math.max(MAX_QUEUED_ROWS, buf.length * 2)) {
        reset();
        return;
      }
      if (queuedCount + rows.length > queued.length) {
        const next = new Int32Array(Math.max(queued.length * 2, queuedCount + rows.length));
        next.set(queued.subarray(0, queuedCount));
        queued = next;
      }
      for (let i = 0; i < rows.length; i++) queued[queuedCount + i] = rows[i]!;
      queuedCount += rows.length;
    },
    /**
     * Applies queued rows from `views` (the store's table, by row), then appends rows not drawn yet: at most
     * `maxAppend`, in slices of {@link APPEND_SLICE} while `more()` says there is time left in the frame (at
     * least one slice). Returns how many rows are still to append (call again on the next frame while > 0).
     */
    sync(views: readonly DeviceView[], maxAppend = Number.POSITIVE_INFINITY, more: () => boolean = () => true): number {
      if (queuedCount) {
        rewriteRows(buf, views, queued, queuedCount);
        for (const kept of levels.values()) kept.apply(buf, queued, queuedCount);
        queuedCount = 0;
        dirty = true;
      }
      const end = Math.min(views.length, buf.length + maxAppend);
      while (buf.length < end) {
        const from = appendRows(buf, views, Math.min(end, buf.length + APPEND_SLICE));
        for (const kept of levels.values()) kept.applyRange(buf, from);
        dirty = true;
        if (!more()) break;
      }
      return views.length - buf.length;
    },
    /** The camera's zoom; recuts clusters only when the integer zoom level or the draw mode changes. */
    setZoom(z: number) {
      const before = mode();
      zoom = z;
      if (before !== mode() || (mode() === 'clusters' && Math.floor(z) !== index.zoom)) {
        recut();
        dirty = true;
      }
    },
    setVisible(v: boolean) {
      if (v !== visible) dirty = true;
      visible = v;
    },
    /** The deck layers for the current state; the same objects until something changed. */
    layers(): Layer[] {
      if (!dirty) return layers;
      dirty = false;
      if (mode() === 'clusters') {
        const clusters = index.clusters();
        if (index.countsVersion !== labelsVersion || index !== labelsIndex) {
          labels = clusters;
          labelsVersion = index.countsVersion;
          labelsIndex = index;
        }
        lastClusters = { clusters, labels };
        layers = [
          ...createDeviceClusterLayers(clusters, configs.clusterLayer, visible, labels),
          ...(lastScatter ? [createDeviceScatterLayer(lastScatter, configs.scatter, false)] : []),
        ];
        return layers;
      }
      if (buf.positionsVersion !== shownPositions || positions.length !== buf.length * 2) {
        positions = buf.positions.subarray(0, buf.length * 2);
        shownPositions = buf.positionsVersion;
      }
      if (buf.statusVersion !== shownStatus || sizes.length !== buf.length) {
        colors = buf.colors.subarray(0, buf.length * 4);
        sizes = buf.sizes.subarray(0, buf.length);
        shownStatus = buf.statusVersion;
      }
      if (lastScatter?.positions !== positions || lastScatter.colors !== colors || lastScatter.sizes !== sizes) {
        lastScatter = { length: buf.length, positions, colors, sizes };
      }
      layers = [
        createDeviceScatterLayer(lastScatter, configs.scatter, visible),
        ...(lastClusters ? createDeviceClusterLayers(lastClusters.clusters, configs.clusterLayer, false, lastClusters.labels) : []),
      ];
      return layers;
    },
  };
}

export type DeviceLayerState = ReturnType<typeof createDeviceLayerState>;
