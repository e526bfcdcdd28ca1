import { describe, expect, it } from 'vitest';
import {
  BASEMAP_DATA_LAYER_BEFORE,
  BASEMAP_EXTRUSION_LAYER,
  BASEMAP_LABEL_LAYER_BEFORE,
  BASEMAP_SOURCES,
  LABEL_CHARS_METADATA,
  basemapStyle,
  buildingExtrusionVisibility,
  labelCharacters,
} from './basemap-style';
import { builtinDistrict } from './district';
import { districtToGeoJSON } from './geojson';

const dark = basemapStyle({ theme: 'dark', dataUrl: '/api/geo/data' });
const light = basemapStyle({ theme: 'light', dataUrl: 'http://10.0.0.5:8080/api/geo/data/' });

describe('basemapStyle', () => {
  it('has no glyphs or sprite, so nothing is fetched from outside', () => {
    for (const s of [dark, light]) {
      expect(s).not.toHaveProperty('glyphs');
      expect(s).not.toHaveProperty('sprite');
      expect(s.version).toBe(8);
    }
  });

  it('loads every source from under dataUrl, and nothing else', () => {
    expect(Object.keys(dark.sources).sort()).toEqual([...BASEMAP_SOURCES].sort());
    for (const [name, src] of Object.entries(dark.sources)) expect(src.data).toBe(`/api/geo/data/${name}.geojson`);
    for (const [name, src] of Object.entries(light.sources))
      expect(src.data).toBe(`http://10.0.0.5:8080/api/geo/data/${name}.geojson`);
    const urls = JSON.stringify(dark).match(/(https?:)?\/\/[^"]*/g) ?? [];
    expect(urls).toEqual([]);
    expect(dark.sources.areas?.promoteId).toBe('code');
    // Cut into tiles down to z14–15 and overzoomed closer in: a grid's view takes a few tiles, not dozens.
    for (const src of Object.values(dark.sources)) expect(src.maxzoom).toBeGreaterThanOrEqual(14);
    for (const src of Object.values(dark.sources)) expect(src.maxzoom).toBeLessThanOrEqual(15);
  });

  it('serves every source the GeoJSON export produces', () => {
    expect(Object.keys(districtToGeoJSON(builtinDistrict())).sort()).toEqual([...BASEMAP_SOURCES].sort());
  });

  it('themes differ: navy command centre and a light tablet look', () => {
    const bg = (s: typeof dark): unknown => s.layers.find((l) => l.id === 'background')?.paint?.['background-color'];
    expect(bg(dark)).toBe('#0a1628');
    expect(bg(light)).not.toBe(bg(dark));
    expect(dark.layers.map((l) => l.id)).toEqual(light.layers.map((l) => l.id));
  });

  it('has unique layer ids, the exported insertion points, and layers on known sources only', () => {
    const ids = dark.layers.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(BASEMAP_DATA_LAYER_BEFORE);
    expect(ids).toContain(BASEMAP_LABEL_LAYER_BEFORE);
    expect(ids.indexOf(BASEMAP_DATA_LAYER_BEFORE)).toBeLessThan(ids.indexOf(BASEMAP_LABEL_LAYER_BEFORE));
    const labelLayers = dark.layers.filter((l) => l.type === 'symbol');
    for (const l of labelLayers)
      expect(ids.indexOf(l.id)).toBeGreaterThanOrEqual(ids.indexOf(BASEMAP_LABEL_LAYER_BEFORE));
    for (const l of dark.layers) if (l.source) expect(Object.keys(dark.sources)).toContain(l.source);
  });

  it('draws roads by class, buildings flat and extruded, boundaries by level, line-placed road names', () => {
    const ids = dark.layers.map((l) => l.id);
    for (const c of ['primary', 'secondary', 'tertiary', 'residential'])
      expect(ids).toEqual(expect.arrayContaining([`road-${c}`, `road-${c}-casing`]));
    expect(dark.layers.find((l) => l.id === BASEMAP_EXTRUSION_LAYER)?.type).toBe('fill-extrusion');
    expect(dark.layers.find((l) => l.id === 'building')?.type).toBe('fill');
    expect(ids).toEqual(
      expect.arrayContaining([
        'area-street-line',
        'area-community-line',
        'area-grid-line',
        'label-community',
        'label-grid',
        'label-poi',
      ]),
    );
    expect(dark.layers.find((l) => l.id === BASEMAP_LABEL_LAYER_BEFORE)?.layout?.['symbol-placement']).toBe('line');
    for (const l of dark.layers.filter((x) => x.type === 'symbol'))
      expect(l.layout?.['text-font']).toContain('Noto Sans CJK SC');
    expect(buildingExtrusionVisibility(0)).toBe('none');
    expect(buildingExtrusionVisibility(45)).toBe('visible');
  });

  it('labels in English on request', () => {
    const en = basemapStyle({ theme: 'dark', dataUrl: '/d', lang: 'en' });
    expect(JSON.stringify(en.layers.find((l) => l.id === 'label-community')?.layout?.['text-field'])).toContain(
      'nameEn',
    );
  });
});

describe('labelCharacters', () => {
  const fc = (...props: Record<string, unknown>[]) => ({ features: props.map((properties) => ({ properties })) });

  it('lists each character of the label names once, English names only for English labels', () => {
    const layers = [fc({ name: '翠苑一区', nameEn: 'Cuiyuan 1' }, { name: '3号楼' }), fc({ name: '翠苑二区' }, { code: 'x' })];
    expect(labelCharacters(layers)).toBe('翠苑一区3号楼二');
    expect(labelCharacters(layers, 'en')).toBe('翠苑一区Cuiyan13号楼二');
  });

  it('covers every name of the built-in district, and the style carries it for the client', () => {
    const layers = Object.values(districtToGeoJSON(builtinDistrict()));
    const chars = new Set(labelCharacters(layers));
    for (const l of layers)
      for (const f of l.features) for (const c of String((f.properties as { name?: string }).name ?? '').replace(/\s/g, '')) expect(chars).toContain(c);
    const style = basemapStyle({ theme: 'dark', dataUrl: '/d', labelChars: '翠苑' });
    expect(style.metadata?.[LABEL_CHARS_METADATA]).toBe('翠苑');
    expect(basemapStyle({ theme: 'dark', dataUrl: '/d' })).not.toHaveProperty('metadata');
  });
});
