import { SEVERITIES, maxSeverity, type AlertView, type AreaInfo, type Severity } from '../../../../protocol';

/**
 * Alerts on the map, derived from the alert views the alerts store holds (pure; tested in map-alerts.test.ts):
 * - each area's outline takes the worst severity of the active alerts inside it, so a grid's alert also marks
 *   its community and street (the map shows one level at a time, and the alert must show at every level);
 * - each active alert is a pulsing marker at its subject: a device at the device, a case at the case, an
 *   area at its label point; where that is unknown, at its grid's label point. Alerts at the same place share
 *   one marker showing the worst severity and how many there are.
 * Cleared alerts (still in the queue until acknowledged) are neither outlined nor marked: the map shows what
 * holds now.
 */

export type LonLat = readonly [lon: number, lat: number];

/** Where things are, for placing markers. */
export interface AlertPlaces {
  /** Areas by code (parent chain and label points). */
  areas: ReadonlyMap<string, AreaInfo>;
  /** A device's position, if known. */
  device?: (id: string) => LonLat | undefined;
  /** A case's position, if known. */
  case?: (id: string) => LonLat | undefined;
}

export interface AlertMarker {
  /** Stable while the place stays: the position, rounded to ~0.1 m. */
  key: string;
  lon: number;
  lat: number;
  /** Worst severity of the alerts here. */
  severity: Severity;
  /** Alerts here, worst first, then most recent. */
  alerts: AlertView[];
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** The area an alert belongs to: the area itself for an area subject, else the subject's grid. */
export function alertAreaCode(a: AlertView): string {
  return a.subject.type === 'area' ? a.subject.id : a.subject.grid;
}

/**
 * Worst active severity per area code, carried up to every ancestor. A code the district does not know keeps
 * its own entry (the choropleth simply has no such area).
 */
export function alertSeverityByArea(
  alerts: readonly AlertView[],
  areas: ReadonlyMap<string, AreaInfo>,
): Map<string, Severity> {
  const out = new Map<string, Severity>();
  for (const a of alerts) {
    if (!a.active) continue;
    const seen = new Set<string>();
    for (let code: string | undefined = alertAreaCode(a); code && !seen.has(code); code = areas.get(code)?.parent) {
      seen.add(code);
      const was = out.get(code);
      out.set(code, was ? maxSeverity(was, a.severity) : a.severity);
    }
  }
  return out;
}

/** Where an alert is drawn, or undefined when neither its subject nor its grid can be placed. */
export function alertPosition(a: AlertView, places: AlertPlaces): LonLat | undefined {
  const { subject } = a;
  const own =
    subject.type === 'device'
      ? places.device?.(subject.id)
      : subject.type === 'case'
        ? places.case?.(subject.id)
        : places.areas.get(subject.id)?.center;
  return own ?? places.areas.get(subject.grid)?.center;
}

/**
 * Markers for the active alerts, mildest first (so the worst is drawn last, on top), and the active alerts
 * that could not be placed.
 */
export function alertMarkers(
  alerts: readonly AlertView[],
  places: AlertPlaces,
): { markers: AlertMarker[]; unplaced: AlertView[] } {
  const byKey = new Map<string, AlertMarker>();
  const unplaced: AlertView[] = [];
  for (const a of alerts) {
    if (!a.active) continue;
    const at = alertPosition(a, places);
    if (!at || !Number.isFinite(at[0]) || !Number.isFinite(at[1])) {
      unplaced.push(a);
      continue;
    }
    const key = `${at[0].toFixed(6)},${at[1].toFixed(6)}`;
    const m = byKey.get(key);
    if (m) {
      m.alerts.push(a);
      m.severity = maxSeverity(m.severity, a.severity);
    } else byKey.set(key, { key, lon: at[0], lat: at[1], severity: a.severity, alerts: [a] });
  }
  const markers = [...byKey.values()];
  for (const m of markers) m.alerts.sort((x, y) => rank(y.severity) - rank(x.severity) || y.lastSeen - x.lastSeen);
  markers.sort((x, y) => rank(x.severity) - rank(y.severity) || x.key.localeCompare(y.key));
  return { markers, unplaced };
}

/**
 * Severities drawn, worst first — what the legend lists: those of the markers and of the outlines of areas
 * the district has.
 */
export function severitiesShown(
  markers: readonly AlertMarker[],
  byArea: ReadonlyMap<string, Severity>,
  areas: ReadonlyMap<string, AreaInfo>,
): Severity[] {
  const present = new Set(markers.map((m) => m.severity));
  for (const [code, s] of byArea) if (areas.has(code)) present.add(s);
  return SEVERITIES.filter((s) => present.has(s)).reverse();
}
