import type { Layer } from '@deck.gl/core';
import type { DeviceView } from '../../../../../protocol';
import { createDeviceBuffer, resetDevices, upsertDevices, type DeviceBuffer } from './device-buffer';
import { DEFAULT_DEVICE_CLUSTER, createDeviceClusterIndex, type DeviceClusterConfig } from './device-cluster';
import {
  DEFAULT_DEVICE_CLUSTER_LAYER,
  createDeviceClusterLayers,
  type DeviceClusterLayerConfig,
} from './device-cluster-layer';
import { DEFAULT_DEVICE_SCATTER, createDeviceScatterLayer, type DeviceScatterConfig } from './device-scatter-layer';

export type DeviceDrawMode = 'points' | 'clusters';

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
 * The devices' render state: a column buffer, an incremental cluster index and the deck layers made from
 * them. Layers are rebuilt only after a change (deck.gl diffs by id and data identity), so re-rendering other
 * layers (the alert pulse) costs the devices nothing.
 */
export function createDeviceLayerState(configs: DeviceLayerConfigs = DEFAULT_DEVICE_LAYERS) {
  const buf: DeviceBuffer = createDeviceBuffer(configs.scatter.colors, 1024);
  const index = createDeviceClusterIndex(configs.cluster);
  let zoom = 0;
  let positions = buf.positions.subarray(0, 0);
  let colors = buf.colors.subarray(0, 0);
  let sizes = buf.sizes.subarray(0, 0);
  let positionsDirty = true;
  let dirty = true;
  let visible = true;
  let layers: Layer[] = [];

  const mode = (): DeviceDrawMode => (zoom < configs.cluster.maxZoom ? 'clusters' : 'points');

  function reindex() {
    if (mode() === 'clusters') index.rebuild(buf, zoom);
  }

  return {
    buffer: buf,
    mode,
    reset(devices: readonly DeviceView[]) {
      resetDevices(buf, devices);
      positionsDirty = true;
      dirty = true;
      reindex();
    },
    upsert(devices: readonly DeviceView[]) {
      const changes = upsertDevices(buf, devices);
      if (!changes.length) return;
      for (const c of changes) {
        if (c.prevStatus < 0 || c.prevX !== buf.mercator[c.row * 2] || c.prevY !== buf.mercator[c.row * 2 + 1]) {
          positionsDirty = true;
          break;
        }
      }
      dirty = true;
      if (mode() === 'clusters') {
        if (Math.floor(zoom) === index.zoom) index.apply(buf, changes);
        else index.rebuild(buf, zoom);
      }
    },
    /** The camera's zoom; recuts clusters only when the integer zoom level changes. */
    setZoom(z: number) {
      const before = mode();
      zoom = z;
      if (mode() === 'clusters' && (before !== 'clusters' || Math.floor(z) !== index.zoom)) {
        index.rebuild(buf, z);
        dirty = true;
      } else if (before !== mode()) dirty = true;
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
        layers = createDeviceClusterLayers(index.clusters(), configs.clusterLayer, visible);
        return layers;
      }
      if (positionsDirty) positions = buf.positions.subarray(0, buf.length * 2);
      positionsDirty = false;
      colors = buf.colors.subarray(0, buf.length * 4);
      sizes = buf.sizes.subarray(0, buf.length);
      layers = [createDeviceScatterLayer({ length: buf.length, positions, colors, sizes }, configs.scatter, visible)];
      return layers;
    },
  };
}

export type DeviceLayerState = ReturnType<typeof createDeviceLayerState>;
