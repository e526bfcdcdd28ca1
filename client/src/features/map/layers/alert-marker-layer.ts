import type { Severity } from '../../../../../protocol';
import type { AlertMarker } from '../map-alerts';
import { ALERT_SEVERITIES, DEFAULT_AREA_CHOROPLETH } from './area-choropleth-layer';

/**
 * Pulsing alert markers as DOM elements over the map, animated by CSS (the compositor runs the pulse): a WebGL
 * pulse would redraw every layer — 100,000 device points in software rendering — on every frame for as long as
 * an alert is active. Tens of markers as elements cost nothing between camera moves. Serializable config;
 * the element's look is in MapLiveMap.vue's `.gp-alert-marker` styles, driven by the custom properties set here.
 */
export interface AlertMarkerLayerConfig {
  /** Core and ring colour per severity; the area outlines use the same colours. */
  colors: Record<Severity, string>;
  coreRadiusPx: number;
  /** Ring radius at the end of a pulse. */
  maxRingPx: number;
  periodMs: number;
  /** Critical alerts pulse faster. */
  criticalPeriodMs: number;
}

export const DEFAULT_ALERT_MARKERS: Readonly<AlertMarkerLayerConfig> = {
  colors: DEFAULT_AREA_CHOROPLETH.alertColors,
  coreRadiusPx: 7,
  maxRingPx: 34,
  periodMs: 1_800,
  criticalPeriodMs: 1_100,
};

/** What an element shows for a marker; equal signatures need no DOM write. */
export function alertMarkerSignature(m: AlertMarker, label: string): string {
  return `${m.severity}|${m.alerts.length}|${label}`;
}

/** Writes a marker's look into its element (created once per place by {@link createAlertMarkerElement}). */
export function renderAlertMarkerElement(
  el: HTMLElement,
  m: AlertMarker,
  label: string,
  config: AlertMarkerLayerConfig = DEFAULT_ALERT_MARKERS,
): void {
  el.className = `gp-alert-marker is-${m.severity}`;
  el.dataset.testid = 'map-alert-marker';
  el.dataset.severity = m.severity;
  el.dataset.count = String(m.alerts.length);
  el.dataset.alert = m.alerts[0]?.id ?? '';
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  el.style.setProperty('--gp-alert-color', config.colors[m.severity]);
  el.style.setProperty('--gp-alert-core', `${config.coreRadiusPx * 2}px`);
  el.style.setProperty('--gp-alert-ring', `${config.maxRingPx * 2}px`);
  el.style.setProperty(
    '--gp-alert-period',
    `${m.severity === 'critical' ? config.criticalPeriodMs : config.periodMs}ms`,
  );
  // Worse severities above milder ones where markers overlap.
  el.style.zIndex = String(10 + ALERT_SEVERITIES.indexOf(m.severity));
  const core = el.querySelector<HTMLElement>('.gp-alert-marker__core');
  if (core) core.textContent = m.alerts.length > 1 ? String(m.alerts.length) : '';
}

/** A marker element: two staggered rings and a core that shows the count when several alerts share a place. */
export function createAlertMarkerElement(
  doc: Document,
  m: AlertMarker,
  label: string,
  config: AlertMarkerLayerConfig = DEFAULT_ALERT_MARKERS,
): HTMLElement {
  const el = doc.createElement('div');
  for (const part of ['ring', 'ring is-late', 'core']) {
    const span = doc.createElement('span');
    span.className = `gp-alert-marker__${part}`;
    el.appendChild(span);
  }
  renderAlertMarkerElement(el, m, label, config);
  return el;
}
