import type * as maplibregl from 'maplibre-gl';
import { watch, type ShallowRef } from 'vue';
import { fetchCaseHexes } from '../../services/api';
import { useCasesStore } from '../../stores/cases';
import { useConnectionStore } from '../../stores/connection';
import { caseHeatData, caseHeatLayer } from './layers/case-heat-layer';
import { createCaseHexFeed } from './layers/case-hex-feed';
import { caseHexData, caseHexLayers, hexResolution } from './layers/case-hex-layer';
import { DEFAULT_CASE_HEAT, DEFAULT_CASE_HEX } from './layers/case-layer-config';
import { casesInWindow } from './layers/case-window';
import type { MapLayerSettings } from './map-settings';

const HEAT_SOURCE = 'gp-cases';
const HEX_SOURCE = 'gp-case-hex-cells';
const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Id of the hexagons' fill layer (what the tooltip queries). */
export const CASE_HEX_LAYER = DEFAULT_CASE_HEX.id;

/**
 * The case layers on a live map, as MapLibre layers (heatmap; hexagon fill + outline) under the deck overlay:
 * the heatmap from the cases store (the chosen window, client-side), the hexagons from the server
 * (`GET /api/cases/hexes` for the session's world, scope and token, at the zoom's H3 resolution), refetched
 * throttled while the cases change. Neither needs deck.gl aggregation code nor h3-js in the client.
 */
export function useCaseLayers(opts: { map: ShallowRef<maplibregl.Map | undefined>; settings: MapLayerSettings }) {
  const cases = useCasesStore();
  const connection = useConnectionStore();
  const { map, settings } = opts;
  let installed = false;
  let warned = '';
  const hexIds = caseHexLayers(HEX_SOURCE).map((l) => l.id);

  const feed = createCaseHexFeed({
    fetch: (q, signal) => fetchCaseHexes(q, connection.session?.token(), signal),
    apply: (r) => {
      const source = map.value?.getSource(HEX_SOURCE) as maplibregl.GeoJSONSource | undefined;
      source?.setData(caseHexData(r.cells));
      warned = '';
    },
    onError: (err) => {
      if ((err as Error).name === 'AbortError') return;
      const message = String((err as Error).message ?? err);
      if (message !== warned) console.warn('[map] case hexagons:', message);
      warned = message;
    },
  });

  function install(beforeId?: string) {
    const m = map.value;
    if (!m) return;
    m.addSource(HEAT_SOURCE, { type: 'geojson', data: EMPTY });
    m.addSource(HEX_SOURCE, { type: 'geojson', data: EMPTY });
    m.addLayer(caseHeatLayer(HEAT_SOURCE), m.getLayer(beforeId ?? '') ? beforeId : undefined);
    for (const layer of caseHexLayers(HEX_SOURCE)) m.addLayer(layer, m.getLayer(beforeId ?? '') ? beforeId : undefined);
    installed = true;
    sync();
  }

  function visible(ids: readonly string[], on: boolean) {
    const m = map.value!;
    const v = on ? 'visible' : 'none';
    for (const id of ids) if (m.getLayoutProperty(id, 'visibility') !== v) m.setLayoutProperty(id, 'visibility', v);
  }

  /** The hexagons' query now: the session's world and scope, the window, the zoom's resolution. */
  function hexQuery() {
    const s = connection.session;
    return {
      world: s?.world ?? 'live',
      scope: s?.scope ?? '*',
      window: settings.caseWindow,
      resolution: hexResolution(map.value?.getZoom() ?? 0),
    } as const;
  }

  /** Mode, window or zoom changed (or the map just loaded): show what the settings ask for. */
  function sync() {
    const m = map.value;
    if (!m || !installed) return;
    const mode = settings.caseMode;
    visible([DEFAULT_CASE_HEAT.id], mode === 'heatmap');
    visible(hexIds, mode === 'hex');
    if (mode === 'hex') feed.show(hexQuery());
    else feed.stop();
    if (mode === 'heatmap') refresh();
  }

  /** The cases changed: the heatmap's points now; the hexagons from the server, throttled. */
  function refresh() {
    const m = map.value;
    if (!m || !installed) return;
    if (settings.caseMode === 'heatmap') {
      const shown = casesInWindow(cases.list, settings.caseWindow, connection.serverTime ?? Date.now());
      (m.getSource(HEAT_SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(caseHeatData(shown));
    } else if (settings.caseMode === 'hex') {
      feed.refresh();
    }
  }

  // The session's world, scope or token can change under a live map (a wall that follows the demo replay).
  const stopWatching = watch(() => connection.session, sync);

  return {
    install,
    sync,
    refresh,
    dispose: () => {
      stopWatching();
      feed.stop();
    },
  };
}
