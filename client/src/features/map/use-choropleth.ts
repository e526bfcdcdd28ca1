import type * as maplibregl from 'maplibre-gl';
import { computed, ref, type ComputedRef, type ShallowRef } from 'vue';
import type { AreaInfo } from '../../../../protocol';
import { useAreasStore } from '../../stores/areas';
import type { DrillStep } from './drill-state';
import { createIntervalGate } from './interval-gate';
import {
  choroplethFilter,
  createAreaChoroplethLayers,
  featureStateDiff,
  fillColorExpression,
  formatKpi,
  kpiDomainMax,
  kpiValue,
  legendStops,
  type AlertSeverity,
  type AreaChoroplethConfig,
} from './layers/area-choropleth-layer';
import type { MapLayerSettings } from './map-settings';

/**
 * Values are written (as feature-state) at most this often. Every write repaints the whole map (about 150 draw
 * calls; in software WebGL, on a wall PC without a GPU, that is CPU the page's main thread competes with), and
 * with the hub's four deltas a second nearly every delta moved some area's value: measured 59 map repaints in
 * 12 s of streaming before, 35 after (issue #7). A change in between is written when the interval ends; alert
 * outlines and a KPI switch are not delayed.
 */
export const CHOROPLETH_VALUE_INTERVAL_MS = 1_000;

/**
 * The area choropleth on a live map: values and alert ranks as feature-state (diffed, so a frame writes only
 * what changed), the filter following the drill focus, the colour domain following what is shown.
 */
export function useChoropleth(opts: {
  map: ShallowRef<maplibregl.Map | undefined>;
  settings: MapLayerSettings;
  focus: ComputedRef<DrillStep | undefined>;
  lookup: ComputedRef<ReadonlyMap<string, AreaInfo>>;
  config: AreaChoroplethConfig;
  /** Asked for a sync when values held back by {@link CHOROPLETH_VALUE_INTERVAL_MS} are due. */
  requestSync: () => void;
  intervalMs?: number;
}) {
  const areas = useAreasStore();
  const { map, settings, focus, lookup } = opts;
  const config = computed<AreaChoroplethConfig>(() => ({ ...opts.config, kpi: settings.kpi }));
  const domainMax = ref(kpiDomainMax(settings.kpi, 0));
  const applied = new Map<string, number>();
  const appliedAlerts = new Map<string, number>();
  let installed = false;
  /** The KPI and domain the fill expression was last written for: a repaint of the whole map, so only on change. */
  let painted = '';
  let alertWanted = new Map<string, number>();
  const gate = createIntervalGate(opts.intervalMs ?? CHOROPLETH_VALUE_INTERVAL_MS, opts.requestSync);
  const layerIds = () => [opts.config.id, `${opts.config.id}-outline`, `${opts.config.id}-alert`];

  /** Codes drawn now: the focus's children, or the focused grid itself. */
  const shownCodes = computed(() => {
    const f = focus.value;
    if (!f) return [];
    if (f.kind === 'building') return [f.grid];
    if (f.level === 'grid') return [f.code];
    const out: string[] = [];
    for (const a of lookup.value.values()) if (a.parent === f.code) out.push(a.code);
    return out;
  });

  function filter(): unknown[] {
    const f = focus.value;
    if (!f) return ['==', ['get', 'parent'], '-'];
    if (f.kind === 'building') return choroplethFilter(f.grid, true);
    return choroplethFilter(f.code, f.level === 'grid');
  }

  function writeAlerts(m: maplibregl.Map) {
    const wanted: [string, number][] = [...appliedAlerts.keys()].filter((c) => !alertWanted.has(c)).map((c) => [c, 0]);
    wanted.push(...alertWanted);
    for (const [code, rank] of featureStateDiff(appliedAlerts, wanted)) {
      m.setFeatureState({ source: opts.config.source, id: code }, { alert: rank });
      if (rank) appliedAlerts.set(code, rank);
      else appliedAlerts.delete(code);
    }
  }

  return {
    stops: computed(() =>
      legendStops(config.value, domainMax.value).map((s) => ({
        label: formatKpi(s.value, settings.kpi),
        color: s.color,
      })),
    ),
    /** Adds the layers: fill and outline before `before`, the alert outline before `alertBefore`. */
    install(before: string, alertBefore = before) {
      const m = map.value;
      if (!m) return;
      for (const layer of createAreaChoroplethLayers(config.value, domainMax.value, filter())) {
        const at = layer.id === layerIds()[2] ? alertBefore : before;
        m.addLayer(layer as maplibregl.AddLayerObject, m.getLayer(at) ? at : undefined);
      }
      installed = true;
      writeAlerts(m);
    },
    refilter() {
      const m = map.value;
      if (!m || !installed) return;
      for (const id of layerIds()) m.setFilter(id, filter() as maplibregl.FilterSpecification);
    },
    /** The KPI changed: every value is rewritten on the next sync, at once. */
    reset() {
      applied.clear();
      painted = '';
      gate.open();
    },
    sync() {
      const m = map.value;
      if (!m || !installed) return;
      if (!gate.tryPass()) return;
      const kpi = settings.kpi;
      let largest = 0;
      for (const code of shownCodes.value) {
        const s = areas.byCode.get(code);
        if (s) largest = Math.max(largest, kpiValue(s, kpi));
      }
      const max = kpiDomainMax(kpi, largest);
      if (`${kpi}|${max}` !== painted) {
        domainMax.value = max;
        m.setPaintProperty(opts.config.id, 'fill-color', fillColorExpression(config.value, max) as never);
        painted = `${kpi}|${max}`;
      }
      const wanted: [string, number][] = [];
      for (const s of areas.byCode.values()) wanted.push([s.code, kpiValue(s, kpi)]);
      for (const [code, value] of featureStateDiff(applied, wanted)) {
        m.setFeatureState({ source: opts.config.source, id: code }, { value });
        applied.set(code, value);
      }
    },
    setAlerts(byArea: ReadonlyMap<string, AlertSeverity> | undefined, rank: (s: AlertSeverity) => number) {
      alertWanted = new Map([...(byArea ?? [])].map(([code, s]) => [code, rank(s)]));
      if (map.value && installed) writeAlerts(map.value);
    },
    /** The map is going away: no held-back sync fires after it. */
    stop: gate.stop,
    /** The chosen KPI of an area, formatted for a tooltip. */
    formatted(code: string): string {
      const s = areas.byCode.get(code);
      return s ? formatKpi(kpiValue(s, settings.kpi), settings.kpi) : '—';
    },
  };
}
