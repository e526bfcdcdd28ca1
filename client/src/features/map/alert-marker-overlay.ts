import type * as maplibregl from 'maplibre-gl';
import type { AlertMarker } from './map-alerts';
import {
  alertMarkerSignature,
  createAlertMarkerElement,
  renderAlertMarkerElement,
  type AlertMarkerLayerConfig,
} from './layers/alert-marker-layer';

interface Shown {
  el: HTMLElement;
  signature: string;
  data: AlertMarker;
}

/**
 * Keeps one DOM marker per alert place in step with the markers wanted: places that stay keep their element
 * (the pulse does not restart), changed ones are rewritten, gone ones removed. The elements sit in the map's
 * canvas container (where MapLibre puts its own markers, so pointer events reach the map the same way) and
 * follow the camera: each is moved to its place's projected pixel on every `move`. Tens of elements, one
 * `transform` write each; MapLibre's Marker class (~4 KB gzip with its popup support) is not needed for that.
 */
export function createAlertMarkerOverlay(
  map: maplibregl.Map,
  config: AlertMarkerLayerConfig,
  label: (m: AlertMarker) => string,
) {
  const shown = new Map<string, Shown>();
  const parent = map.getCanvasContainer();

  function place(s: Shown) {
    const p = map.project([s.data.lon, s.data.lat]);
    s.el.style.transform = `translate(${Math.round(p.x)}px, ${Math.round(p.y)}px)`;
  }
  const placeAll = () => {
    for (const s of shown.values()) place(s);
  };
  map.on('move', placeAll);
  map.on('resize', placeAll);

  function remove(key: string, s: Shown) {
    s.el.remove();
    shown.delete(key);
  }

  return {
    set(markers: readonly AlertMarker[]) {
      const wanted = new Set(markers.map((m) => m.key));
      for (const [key, s] of shown) if (!wanted.has(key)) remove(key, s);
      for (const m of markers) {
        const text = label(m);
        const signature = alertMarkerSignature(m, text);
        let s = shown.get(m.key);
        if (s) {
          const moved = s.data.lon !== m.lon || s.data.lat !== m.lat;
          s.data = m;
          if (s.signature !== signature) renderAlertMarkerElement(s.el, m, text, config);
          s.signature = signature;
          if (moved) place(s);
          continue;
        }
        const el = createAlertMarkerElement(document, m, text, config);
        Object.assign(el.style, { position: 'absolute', left: '0', top: '0' });
        parent.appendChild(el);
        s = { el, signature, data: m };
        shown.set(m.key, s);
        place(s);
      }
    },
    /** The marker whose element contains `target` (hover and click). */
    markerAt(target: EventTarget | null): AlertMarker | undefined {
      const el = target instanceof Element ? target.closest<HTMLElement>('.gp-alert-marker') : null;
      if (!el) return undefined;
      for (const s of shown.values()) if (s.el === el) return s.data;
      return undefined;
    },
    /** Removes every marker and stops following the camera (the map is going away). */
    clear() {
      for (const [key, s] of shown) remove(key, s);
      map.off('move', placeAll);
      map.off('resize', placeAll);
    },
  };
}

export type AlertMarkerOverlay = ReturnType<typeof createAlertMarkerOverlay>;
