import { SEVERITIES, type AreaStats, type Severity } from '../../../../../protocol';

/** The KPI an area is coloured by. */
export const AREA_KPIS = ['events5m', 'pressure', 'openCases', 'overdueCases', 'offlineRatio', 'negative1h'] as const;
export type AreaKpi = (typeof AREA_KPIS)[number];

/** Alert severities, mildest first (DESIGN §3.5; the protocol's order). */
export const ALERT_SEVERITIES = SEVERITIES;
export type AlertSeverity = Severity;

/**
 * Area choropleth: MapLibre fill + outline layers on the basemap's `areas` source (promoted id = area code).
 * Values and alert ranks travel as feature-state, never as `setData`: a state change repaints without
 * re-tiling the GeoJSON (STYLE 6). Serializable; defaults below.
 */
export interface AreaChoroplethConfig {
  id: string;
  source: string;
  kpi: AreaKpi;
  /** Colour ramp from the domain's minimum to its maximum, evenly spaced. */
  colors: readonly string[];
  /** Colour of an area whose value is 0 (or unknown). */
  zeroColor: string;
  opacity: number;
  outlineColor: string;
  /** Outline colour per worst active alert severity. */
  alertColors: Record<AlertSeverity, string>;
}

export const DEFAULT_AREA_CHOROPLETH: Readonly<AreaChoroplethConfig> = {
  id: 'gp-area-choropleth',
  source: 'areas',
  kpi: 'events5m',
  colors: ['#0f3b57', '#137a8a', '#1fb5a0', '#e9c46a', '#f4845f', '#ef4444'],
  zeroColor: '#0b2238',
  opacity: 0.62,
  outlineColor: '#38bdf8',
  alertColors: { warning: '#60a5fa', minor: '#facc15', major: '#fb923c', critical: '#ff1f3d' },
};

/**
 * The tablet's daylight theme: a pale ramp at lower opacity so the light basemap (streets, buildings, labels)
 * shows through, darker alert colours that hold against a light ground.
 */
export const LIGHT_AREA_CHOROPLETH: Readonly<AreaChoroplethConfig> = {
  ...DEFAULT_AREA_CHOROPLETH,
  colors: ['#e0f2f1', '#99d8c9', '#41b6a4', '#f6c85f', '#f28e5b', '#d7301f'],
  zeroColor: '#ffffff',
  opacity: 0.42,
  outlineColor: '#2b6cb0',
  alertColors: { warning: '#2563eb', minor: '#ca8a04', major: '#ea580c', critical: '#dc143c' },
};

/** The choropleth's defaults for a map theme. */
export function choroplethForTheme(theme: 'dark' | 'light'): Readonly<AreaChoroplethConfig> {
  return theme === 'light' ? LIGHT_AREA_CHOROPLETH : DEFAULT_AREA_CHOROPLETH;
}

/** How a KPI reads: fixed domains for bounded indices, a rounded running maximum for counts. */
export const KPI_DOMAIN: Record<AreaKpi, { max: number | 'auto'; percent: boolean }> = {
  events5m: { max: 'auto', percent: false },
  pressure: { max: 100, percent: false },
  openCases: { max: 'auto', percent: false },
  overdueCases: { max: 'auto', percent: false },
  offlineRatio: { max: 1, percent: true },
  negative1h: { max: 'auto', percent: false },
};

/** The value of `kpi` for an area. */
export function kpiValue(stats: AreaStats, kpi: AreaKpi): number {
  switch (kpi) {
    case 'events5m':
      return stats.events5m.device + stats.events5m.case + stats.events5m.opinion;
    case 'pressure':
      return stats.pressure;
    case 'openCases':
      return stats.cases.open;
    case 'overdueCases':
      return stats.cases.overdue;
    case 'offlineRatio':
      return stats.devices.total > 0 ? (stats.devices.offline + stats.devices.fault) / stats.devices.total : 0;
    case 'negative1h':
      return stats.opinion.negative1h;
  }
}

/** A KPI value as the tooltip and legend print it. */
export function formatKpi(value: number, kpi: AreaKpi): string {
  if (KPI_DOMAIN[kpi].percent) return `${Math.round(value * 100)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A round maximum ≥ `max` (1, 2, 5 × 10ⁿ, at least 5) so the legend reads well and rarely changes. */
export function niceScaleMax(max: number): number {
  if (!(max > 5)) return 5;
  const pow = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * pow >= max) return m * pow;
  return 10 * pow;
}

/** The colour domain's maximum for `kpi` given the largest value shown. */
export function kpiDomainMax(kpi: AreaKpi, largestShown: number): number {
  const { max } = KPI_DOMAIN[kpi];
  return max === 'auto' ? niceScaleMax(largestShown) : max;
}

/** Legend stops: value and colour at each ramp step, for a domain [0, max]. */
export function legendStops(config: AreaChoroplethConfig, max: number): { value: number; color: string }[] {
  const n = config.colors.length - 1;
  const percent = KPI_DOMAIN[config.kpi].percent;
  return config.colors.map((color, i) => ({
    value: percent ? (max * i) / n : Math.round((max * i) / n),
    color,
  }));
}

/** The fill-color expression for a domain [0, max], reading feature-state `value`. */
export function fillColorExpression(config: AreaChoroplethConfig, max: number): unknown[] {
  const stops: unknown[] = [];
  const n = config.colors.length - 1;
  config.colors.forEach((color, i) => stops.push((max * i) / n, color));
  const value = ['coalesce', ['feature-state', 'value'], 0];
  return ['case', ['<=', value, 0], config.zeroColor, ['interpolate', ['linear'], value, ...stops]];
}

/** Feature-state `alert` of an area: 0 without alert, else 1 + index in {@link ALERT_SEVERITIES}. */
export function alertRank(severity: AlertSeverity | undefined): number {
  return severity ? ALERT_SEVERITIES.indexOf(severity) + 1 : 0;
}

/** Which areas are drawn: the children of the focused area, or the focused grid itself at grid level. */
export function choroplethFilter(focus: string, focusIsGrid: boolean): unknown[] {
  return focusIsGrid ? ['==', ['get', 'code'], focus] : ['==', ['get', 'parent'], focus];
}

/**
 * The MapLibre layers (fill, outline, alert outline) as plain style JSON. The fill and outline go under the
 * basemap's boundaries; the alert outline (the last layer) goes above them (see useChoropleth's install).
 */
export function createAreaChoroplethLayers(config: AreaChoroplethConfig, max: number, filter: unknown[]) {
  const rank = ['coalesce', ['feature-state', 'alert'], 0];
  const alertColor: unknown[] = ['match', rank];
  ALERT_SEVERITIES.forEach((s, i) => alertColor.push(i + 1, config.alertColors[s]));
  alertColor.push('rgba(0,0,0,0)');
  return [
    {
      id: config.id,
      type: 'fill' as const,
      source: config.source,
      filter,
      paint: { 'fill-color': fillColorExpression(config, max), 'fill-opacity': config.opacity },
    },
    {
      id: `${config.id}-outline`,
      type: 'line' as const,
      source: config.source,
      filter,
      paint: { 'line-color': config.outlineColor, 'line-opacity': 0.45, 'line-width': 1 },
    },
    {
      // Inset by half its width: neighbours share edges, and each area's alert colour must stay its own.
      id: `${config.id}-alert`,
      type: 'line' as const,
      source: config.source,
      filter,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': alertColor,
        'line-width': ['interpolate', ['linear'], rank, 0, 0, 1, 2.5, 4, 4.5],
        'line-offset': ['interpolate', ['linear'], rank, 0, 0, 1, 1.25, 4, 2.25],
      },
    },
  ];
}

/**
 * Which areas' feature-state must change: compares the wanted values with what was last written, so each
 * frame touches only the areas that changed.
 */
export function featureStateDiff(
  applied: ReadonlyMap<string, number>,
  wanted: Iterable<[code: string, value: number]>,
): [code: string, value: number][] {
  const out: [string, number][] = [];
  for (const [code, value] of wanted) if (applied.get(code) !== value) out.push([code, value]);
  return out;
}
