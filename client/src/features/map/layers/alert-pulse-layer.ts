import { ScatterplotLayer } from '@deck.gl/layers';
import { ALERT_SEVERITIES, type AlertSeverity } from './area-choropleth-layer';

type Rgba = [number, number, number, number];

/** An alert on the map. */
export interface AlertMarker {
  id: string;
  lon: number;
  lat: number;
  severity: AlertSeverity;
}

/** Pulsing alert markers: a solid core and a ring that grows and fades once per period. Serializable. */
export interface AlertPulseLayerConfig {
  id: string;
  colors: Record<AlertSeverity, Rgba>;
  coreRadiusPx: number;
  /** Ring radius at the end of a pulse. */
  maxRingPx: number;
  periodMs: number;
}

export const DEFAULT_ALERT_PULSE: Readonly<AlertPulseLayerConfig> = {
  id: 'gp-alert-pulse',
  colors: {
    warning: [96, 165, 250, 255],
    minor: [250, 204, 21, 255],
    major: [251, 146, 60, 255],
    critical: [255, 31, 61, 255],
  },
  coreRadiusPx: 6,
  maxRingPx: 30,
  periodMs: 1_600,
};

/** Phase of the pulse in [0, 1) at time `t` ms. */
export function pulsePhase(t: number, periodMs: number): number {
  return (((t % periodMs) + periodMs) % periodMs) / periodMs;
}

/** Critical first, so it is drawn on top. */
export function bySeverity(alerts: readonly AlertMarker[]): AlertMarker[] {
  return [...alerts].sort((a, b) => ALERT_SEVERITIES.indexOf(a.severity) - ALERT_SEVERITIES.indexOf(b.severity));
}

/** Ring and core layers at time `t` (ms); the caller animates `t` only while there are markers. */
export function createAlertPulseLayers(
  data: readonly AlertMarker[],
  t: number,
  config: AlertPulseLayerConfig = DEFAULT_ALERT_PULSE,
): ScatterplotLayer<AlertMarker>[] {
  const phase = pulsePhase(t, config.periodMs);
  const ring = config.coreRadiusPx + phase * (config.maxRingPx - config.coreRadiusPx);
  const alpha = Math.round(255 * (1 - phase));
  return [
    new ScatterplotLayer<AlertMarker>({
      id: `${config.id}-ring`,
      data,
      getPosition: (a) => [a.lon, a.lat],
      radiusUnits: 'pixels',
      getRadius: ring,
      filled: false,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 3,
      getLineColor: (a) => [...config.colors[a.severity].slice(0, 3), alpha] as Rgba,
      updateTriggers: { getLineColor: alpha },
    }),
    new ScatterplotLayer<AlertMarker>({
      id: `${config.id}-core`,
      data,
      getPosition: (a) => [a.lon, a.lat],
      radiusUnits: 'pixels',
      getRadius: config.coreRadiusPx,
      getFillColor: (a) => config.colors[a.severity],
      stroked: true,
      getLineColor: [255, 255, 255, 230],
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      pickable: true,
    }),
  ];
}
