import type { AreaKpi } from './layers/area-choropleth-layer';
import type { CaseMode, CaseWindow } from './layers/case-window';

/** What the map's own controls set; serializable, survives every live update. */
export interface MapLayerSettings {
  kpi: AreaKpi;
  caseMode: CaseMode;
  caseWindow: CaseWindow;
  devices: boolean;
}

export const DEFAULT_MAP_SETTINGS: Readonly<MapLayerSettings> = {
  kpi: 'events5m',
  caseMode: 'off',
  caseWindow: 'open',
  devices: true,
};
