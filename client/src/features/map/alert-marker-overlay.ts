import * as maplibregl from 'maplibre-gl';
import type { AlertMarker } from './map-alerts';
import {
  alertMarkerSignature,
  createAlertMarkerElement,
  renderAlertMarkerElement,
  type AlertMarkerLayerConfig,
} from './layers/alert-marker-layer';

interface Shown {
  marker: maplibregl.Marker;
  el: HTMLElement;
  signature: string;
  data: AlertMarker;
}

/**
 * Keeps one MapLibre DOM marker per alert place in step with the markers wanted: places that stay keep their
 * element (the pulse does not restart), changed ones are rewritten, gone ones removed.
 */
export function createAlertMarkerOverlay(
  map: maplibregl.Map,
  config: AlertMarkerLayerConfig,
  label: (m: AlertMarker) => string,
) {
  const shown = new Map<string, Shown>();

  return {
    set(markers: readonly AlertMarker[]) {
      const wanted = new Set(markers.map((m) => m.key));
      for (const [key, s] of shown) {
        if (wanted.has(key)) continue;
        s.marker.remove();
        shown.delete(key);
      }
      for (const m of markers) {
        const text = label(m);
        const signature = alertMarkerSignature(m, text);
        const s = shown.get(m.key);
        if (s) {
          s.data = m;
          if (s.signature !== signature) renderAlertMarkerElement(s.el, m, text, config);
          s.signature = signature;
          continue;
        }
        const el = createAlertMarkerElement(document, m, text, config);
        const marker = new maplibregl.Marker({ element: el, anchor: 'center' }).setLngLat([m.lon, m.lat]).addTo(map);
        shown.set(m.key, { marker, el, signature, data: m });
      }
    },
    /** The marker whose element contains `target` (hover and click). */
    markerAt(target: EventTarget | null): AlertMarker | undefined {
      const el = target instanceof Element ? target.closest<HTMLElement>('.gp-alert-marker') : null;
      if (!el) return undefined;
      for (const s of shown.values()) if (s.el === el) return s.data;
      return undefined;
    },
    clear() {
      for (const s of shown.values()) s.marker.remove();
      shown.clear();
    },
  };
}

export type AlertMarkerOverlay = ReturnType<typeof createAlertMarkerOverlay>;
