import { ScatterplotLayer } from '@deck.gl/layers';
import type { DeviceStatus } from '../../../../../protocol';
import type { Rgba } from './device-buffer';

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
  radiusMeters: 5,
  radiusMinPixels: 2.5,
  radiusMaxPixels: 10,
};

/**
 * Devices as columns (see device-buffer.ts). Pass the same typed array for a column that did not change and
 * a new one (e.g. a new `subarray`) for one that did: deck.gl re-uploads an attribute only when its binary
 * value changes identity.
 */
export interface DeviceScatterData {
  length: number;
  /** lon, lat per device. */
  positions: Float64Array;
  /** RGBA per device. */
  colors: Uint8Array;
  /** Radius factor per device. */
  sizes: Float32Array;
}

type Column = Float64Array | Float32Array | Uint8Array;
const wrappers = new WeakMap<Column, { value: Column; size: number; normalized?: boolean }>();
function binary(value: Column, size: number, normalized = false) {
  let w = wrappers.get(value);
  if (!w) {
    w = normalized ? { value, size, normalized } : { value, size };
    wrappers.set(value, w);
  }
  return w;
}

/** deck's `data` for the columns: the same object for the same columns (a hidden layer then changes nothing). */
interface DeckColumns {
  length: number;
  attributes: Record<'getPosition' | 'getFillColor' | 'getRadius', ReturnType<typeof binary>>;
}
const deckDataOf = new WeakMap<DeviceScatterData, DeckColumns>();
function deckData(data: DeviceScatterData): DeckColumns {
  let d = deckDataOf.get(data);
  if (!d) {
    d = {
      length: data.length,
      attributes: {
        getPosition: binary(data.positions, 2),
        getFillColor: binary(data.colors, 4, true),
        getRadius: binary(data.sizes, 1),
      },
    };
    deckDataOf.set(data, d);
  }
  return d;
}

/** The device dots; pick results carry `index`, the row in the device buffer. */
export function createDeviceScatterLayer(
  data: DeviceScatterData,
  config: DeviceScatterConfig = DEFAULT_DEVICE_SCATTER,
  visible = true,
): ScatterplotLayer {
  return new ScatterplotLayer({
    id: config.id,
    visible,
    data: deckData(data),
    radiusScale: config.radiusMeters,
    radiusUnits: 'meters',
    radiusMinPixels: config.radiusMinPixels,
    radiusMaxPixels: config.radiusMaxPixels,
    stroked: false,
    pickable: true,
  });
}
