import express, { type Request, type Router } from 'express';
import { BASEMAP_SOURCES, basemapStyle, labelCharacters } from '../../geo/basemap-style';
import type { District } from '../../geo/district.types';
import { districtToGeoJSON } from '../../geo/geojson';

const LAYERS = BASEMAP_SOURCES;
type DataLayer = (typeof LAYERS)[number];

/**
 * The district and its offline basemap (DESIGN §9.9: nothing leaves the deployment): metadata, GeoJSON
 * layers and a MapLibre style whose sources point back at this server.
 */
export function geoRouter(district: District): Router {
  const router = express.Router();
  const geojson = districtToGeoJSON(district);
  const bodies = new Map<DataLayer, string>();
  const body = (layer: DataLayer): string => {
    let text = bodies.get(layer);
    if (text === undefined) {
      text = JSON.stringify(geojson[layer]);
      bodies.set(layer, text);
    }
    return text;
  };
  const meta = JSON.stringify({
    code: district.code,
    name: district.name,
    nameEn: district.nameEn,
    bbox: district.bbox,
    center: district.center,
    areas: district.areas.map(({ code, level, name, nameEn, parent, center }) => ({ code, level, name, nameEn, parent, center })),
  });

  router.get('/api/geo/district', (_req, res) => {
    res.type('application/json').send(meta);
  });

  router.get('/api/geo/data/:layer.geojson', (req, res) => {
    const layer = req.params.layer as DataLayer;
    if (!LAYERS.includes(layer)) {
      res.status(404).json({ error: { code: 'not_found', message: `no layer ${layer}; layers: ${LAYERS.join(', ')}` } });
      return;
    }
    res.set('Cache-Control', 'public, max-age=300').type('application/geo+json').send(body(layer));
  });

  const labelChars = {
    zh: labelCharacters(Object.values(geojson)),
    en: labelCharacters(Object.values(geojson), 'en'),
  };
  router.get('/api/geo/style.json', (req, res) => {
    const theme = req.query.theme === 'light' ? 'light' : 'dark';
    const lang = req.query.lang === 'en' ? 'en' : 'zh';
    res.json(basemapStyle({ theme, dataUrl: `${origin(req)}/api/geo/data`, lang, labelChars: labelChars[lang] }));
  });

  return router;
}

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
