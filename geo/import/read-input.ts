import type { Feature, GeoJsonProperties, Geometry } from 'geojson';
import { feature as topoFeature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import { ImportError } from './import.types';

/** One feature of the input, in file order, before any checking. */
export interface RawFeature {
  /** 0-based position in the input (across every TopoJSON object). */
  index: number;
  /** The feature's top-level `id`, when it has one. */
  id?: string | number;
  properties: Record<string, unknown>;
  geometry: Geometry | null;
  /** The TopoJSON object it came from. */
  object?: string;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function isZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, k) => bytes[k] === b);
}

function toRaw(f: Feature<Geometry | null, GeoJsonProperties>, index: number, object?: string): RawFeature {
  return {
    index,
    id: f.id,
    properties: f.properties ?? {},
    geometry: f.geometry,
    object,
  };
}

function fromTopology(topology: Topology, objectName: string | undefined): RawFeature[] {
  const names = Object.keys(topology.objects ?? {});
  if (objectName !== undefined && !names.includes(objectName))
    throw new ImportError(
      `TopoJSON has no object "${objectName}"`,
      `objects in this file: ${names.join(', ') || '(none)'}; pass one of them with --object`,
    );
  const out: RawFeature[] = [];
  for (const name of objectName === undefined ? names : [objectName]) {
    const converted = topoFeature(topology, name) as unknown as
      Feature<Geometry | null> | { features: Feature<Geometry | null>[] };
    const features = 'features' in converted ? converted.features : [converted];
    for (const f of features) out.push(toRaw(f, out.length, name));
  }
  return out;
}

/** Rejects inputs declaring a projected CRS (the GeoJSON 2008 `crs` member), e.g. EPSG:3857 or CGCS2000 zones. */
function checkDeclaredCrs(json: Record<string, unknown>): void {
  const crs = json.crs as { properties?: { name?: unknown } } | undefined;
  const name = crs?.properties?.name;
  if (typeof name !== 'string') return;
  if (/(CRS84|EPSG:*4326|EPSG:*4490|EPSG:*4214|EPSG:*4610)$/i.test(name)) return;
  throw new ImportError(
    `the file declares the coordinate system ${name}, not WGS84 lon/lat`,
    'reproject it to WGS84 first, e.g. `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson in.geojson`',
  );
}

/**
 * Reads GeoJSON (FeatureCollection, Feature, bare geometry or GeometryCollection) or TopoJSON (every object,
 * or `object`) from text or bytes into raw features. Zipped shapefiles are recognised and refused with a hint.
 * @throws ImportError when the input is not one of these.
 */
export function readInput(input: string | Uint8Array, objectName?: string): RawFeature[] {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    if (isZip(input))
      throw new ImportError(
        'zipped shapefiles are not supported',
        'convert it to GeoJSON in WGS84 first, e.g. `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson /vsizip/in.zip`',
      );
    text = new TextDecoder('utf-8').decode(input);
  }
  let json: unknown;
  try {
    // A UTF-8 byte-order mark is common in files saved on Windows.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ImportError(`not valid JSON: ${(err as Error).message}`, 'the input must be GeoJSON or TopoJSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ImportError('not a GeoJSON or TopoJSON object', 'the input must be GeoJSON or TopoJSON');
  const obj = json as Record<string, unknown>;
  checkDeclaredCrs(obj);
  switch (obj.type) {
    case 'Topology':
      return fromTopology(obj as unknown as Topology, objectName);
    case 'FeatureCollection': {
      const features = obj.features;
      if (!Array.isArray(features))
        throw new ImportError('FeatureCollection without a features array', 'check the file');
      return (features as Feature<Geometry | null>[]).map((f, k) => toRaw(f, k));
    }
    case 'Feature':
      return [toRaw(obj as unknown as Feature<Geometry | null>, 0)];
    case 'GeometryCollection': {
      const geometries = (obj.geometries ?? []) as Geometry[];
      return geometries.map((geometry, index) => ({ index, properties: {}, geometry }));
    }
    case 'Polygon':
    case 'MultiPolygon':
      return [{ index: 0, properties: {}, geometry: obj as unknown as Geometry }];
    default:
      throw new ImportError(
        `unsupported input type ${JSON.stringify(obj.type)}`,
        'the input must be a GeoJSON FeatureCollection, Feature, Polygon/MultiPolygon, or a TopoJSON Topology',
      );
  }
}

/** A property by field name; `@id` reads the feature's top-level id. Empty strings count as missing. */
export function fieldValue(f: RawFeature, field: string | undefined): string | undefined {
  if (field === undefined) return undefined;
  const v = field === '@id' ? f.id : f.properties[field];
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}
