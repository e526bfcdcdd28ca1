import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { DeviceStatus } from '../../../../../protocol';
import type { Rgba } from './device-buffer';
import type { DeviceCluster } from './device-cluster';

/** Device clusters: a disc per cluster in its worst state's colour, sized by count, with the count on it. */
export interface DeviceClusterLayerConfig {
  id: string;
  colors: Record<DeviceStatus, Rgba>;
  minRadiusPx: number;
  maxRadiusPx: number;
  /** Count at which a disc reaches its maximum radius (area grows with the count up to here). */
  fullCount: number;
  textColor: Rgba;
}

export const DEFAULT_DEVICE_CLUSTER_LAYER: Readonly<DeviceClusterLayerConfig> = {
  id: 'gp-device-clusters',
  colors: {
    online: [20, 160, 150, 215],
    offline: [100, 116, 139, 225],
    fault: [220, 50, 50, 235],
  },
  minRadiusPx: 7,
  maxRadiusPx: 24,
  fullCount: 2_000,
  textColor: [240, 250, 255, 255],
};

export function clusterRadiusPx(count: number, config: DeviceClusterLayerConfig): number {
  const t = Math.min(1, Math.sqrt(count / config.fullCount));
  return config.minRadiusPx + t * (config.maxRadiusPx - config.minRadiusPx);
}

/** Counts as the disc prints them: 1234 → "1.2k". */
export function clusterLabel(count: number): string {
  return count >= 10_000
    ? `${Math.round(count / 1000)}k`
    : count >= 1000
      ? `${(count / 1000).toFixed(1)}k`
      : String(count);
}

/**
 * Disc and label layers; pick results on the disc carry the {@link DeviceCluster} as `object`. `labels` may be
 * an older array with the same counts and positions (only states changed): the same array keeps deck.gl from
 * laying the text out again.
 */
export function createDeviceClusterLayers(
  data: readonly DeviceCluster[],
  config: DeviceClusterLayerConfig = DEFAULT_DEVICE_CLUSTER_LAYER,
  visible = true,
  labels: readonly DeviceCluster[] = data,
): [ScatterplotLayer<DeviceCluster>, TextLayer<DeviceCluster>] {
  const { colors } = config;
  return [
    new ScatterplotLayer<DeviceCluster>({
      id: config.id,
      visible,
      data,
      getPosition: (d) => [d.lon, d.lat],
      getFillColor: (d) => colors[d.worst],
      getRadius: (d) => clusterRadiusPx(d.count, config),
      radiusUnits: 'pixels',
      stroked: true,
      getLineColor: [255, 255, 255, 150],
      lineWidthUnits: 'pixels',
      getLineWidth: 1,
      pickable: true,
      updateTriggers: { getFillColor: [colors.online, colors.offline, colors.fault], getRadius: [config.fullCount] },
    }),
    new TextLayer<DeviceCluster>({
      id: `${config.id}-count`,
      visible,
      data: labels,
      getPosition: (d) => [d.lon, d.lat],
      getText: (d) => clusterLabel(d.count),
      getSize: 12,
      getColor: config.textColor,
      fontWeight: 700,
      characterSet: '0123456789.k',
      fontFamily: 'DejaVu Sans, Arial, sans-serif',
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
    }),
  ];
}
