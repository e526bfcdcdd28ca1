import { describe, expect, it } from 'vitest';
import { builtinDistrict } from './district';
import { areaLabelPoints, districtToGeoJSON, FLOOR_HEIGHT_M } from './geojson';

const d = builtinDistrict();

describe('districtToGeoJSON', () => {
  const g = districtToGeoJSON(d);

  it('has one feature per item in every layer', () => {
    expect(g.areas.features).toHaveLength(d.areas.length);
    expect(g.buildings.features).toHaveLength(d.buildings.length);
    expect(g.roads.features).toHaveLength(d.roads.length);
    expect(g.pois.features).toHaveLength(d.pois.length);
    expect(g.water.features).toHaveLength(d.water.length);
    expect(g.landuse.features).toHaveLength(d.landuse?.length ?? 0);
    expect(g.labels.features).toHaveLength(d.areas.length);
    for (const fc of Object.values(g)) expect(fc.type).toBe('FeatureCollection');
  });

  it('carries the properties the basemap and client use', () => {
    const street = g.areas.features[0];
    expect(street?.properties).toEqual({ code: d.code, level: 'street', name: d.name, nameEn: d.nameEn, parent: null });
    const grid = g.areas.features.at(-1);
    expect(grid?.properties.parent).toBe(grid?.properties.code.slice(0, 12));
    const b = d.buildings[0];
    expect(g.buildings.features[0]?.properties).toEqual({
      id: b?.id,
      name: b?.name,
      grid: b?.grid,
      use: b?.use,
      floors: b?.floors,
      height: (b?.floors ?? 0) * FLOOR_HEIGHT_M,
    });
    expect(g.buildings.features[0]?.geometry.coordinates[0]).toEqual(b?.footprint);
    expect(g.roads.features[0]?.properties).toMatchObject({
      id: d.roads[0]?.id,
      name: d.roads[0]?.name,
      class: d.roads[0]?.class,
    });
    expect(g.pois.features[0]?.properties).toMatchObject({
      id: d.pois[0]?.id,
      kind: d.pois[0]?.kind,
      grid: d.pois[0]?.grid,
    });
    expect(g.water.features[0]?.properties).toMatchObject({ id: d.water[0]?.id, name: d.water[0]?.name });
  });

  it('labels sit at area centres', () => {
    const labels = areaLabelPoints(d);
    labels.features.forEach((f, k) => {
      expect(f.geometry.coordinates).toEqual(d.areas[k]?.center);
      expect(f.properties.code).toBe(d.areas[k]?.code);
    });
  });
});
