import { ScatterplotLayer } from '@deck.gl/layers';
import type { DeviceStatus, DeviceView } from '../../../../../protocol';

type Rgba = [number, number, number, number];

/** Device dots, coloured by status. Serializable; defaults below. */
export interface DeviceScatterConfig {
  id: string;
  colors: Record<DeviceStatus, Rgba>;
  radiusMeters: number;
  radiusMinPixels: number;
  radiusMaxPixels: number;
}

export const DEFAULT_DEVICE_SCATTER: Readonly<DeviceScatterConfig> = {
  id: 'gp-devices',
  colors: {
    online: [45, 212, 191, 220],
    offline: [100, 116, 139, 200],
    fault: [239, 68, 68, 255],
  },
  radiusMeters: 6,
  radiusMinPixels: 2,
  radiusMaxPixels: 9,
};

/**
 * A new layer per data version; deck.gl diffs by id and by `data` reference, so `data` must be a new array
 * whenever a device changed (the devices store guarantees it).
 */
export function createDeviceScatterLayer(
  data: readonly DeviceView[],
  config: DeviceScatterConfig = DEFAULT_DEVICE_SCATTER,
): ScatterplotLayer<DeviceView> {
  const { colors } = config;
  return new ScatterplotLayer<DeviceView>({
    id: config.id,
    data,
    getPosition: (d) => [d.lon, d.lat],
    getFillColor: (d) => colors[d.status],
    getRadius: (d) => (d.status === 'fault' ? config.radiusMeters * 1.8 : config.radiusMeters),
    radiusUnits: 'meters',
    radiusMinPixels: config.radiusMinPixels,
    radiusMaxPixels: config.radiusMaxPixels,
    stroked: false,
    pickable: true,
    // Colours are a function of status only: recompute them when the config's colours change.
    updateTriggers: { getFillColor: [colors.online, colors.offline, colors.fault] },
  });
}
