/**
 * WGS84 → GCJ-02 (the datum of commercial Chinese basemaps), for display only: Shiyu stores
 * and sends WGS84, and shifts geometry on the screen only when the configured basemap is
 * GCJ-02 (DOMAIN.md, "Maps and coordinates"). Outside China the two coincide.
 * The published approximation (Krasovsky 1940 ellipsoid), accurate to a metre or so.
 */

const A = 6378245.0;
const EE = 0.00669342162296594323;

/** Whether a point lies outside the rectangle GCJ-02 applies to (then it is left alone). */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function shiftLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function shiftLon(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** One WGS84 point [lon, lat] as GCJ-02. */
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  if (outOfChina(lon, lat)) return [lon, lat];
  const radLat = (lat / 180) * Math.PI;
  const magic = 1 - EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (shiftLat(lon - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (shiftLon(lon - 105, lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

type Coordinates = number[] | Coordinates[];

function mapCoordinates(c: Coordinates): Coordinates {
  if (typeof c[0] === 'number') {
    const [lon, lat, ...rest] = c as number[];
    return [...wgs84ToGcj02(lon, lat), ...rest];
  }
  return (c as Coordinates[]).map(mapCoordinates);
}

interface AnyGeometry { type: string; coordinates?: Coordinates; geometries?: AnyGeometry[] }

function mapGeometry<G extends AnyGeometry | null>(g: G): G {
  if (!g) return g;
  if (g.type === 'GeometryCollection') return { ...g, geometries: g.geometries!.map(mapGeometry) };
  return { ...g, coordinates: mapCoordinates(g.coordinates!) };
}

/** A Feature or FeatureCollection (WGS84) shifted to GCJ-02, properties untouched; the input is not changed. */
export function geoJsonToGcj02<T extends { type: string }>(geojson: T): T {
  const doc = geojson as unknown as { type: string; features?: { geometry: AnyGeometry | null }[]; geometry?: AnyGeometry | null };
  if (doc.type === 'FeatureCollection') return { ...geojson, features: doc.features!.map((f) => ({ ...f, geometry: mapGeometry(f.geometry) })) };
  if (doc.type === 'Feature') return { ...geojson, geometry: mapGeometry(doc.geometry ?? null) };
  return mapGeometry(doc as AnyGeometry) as unknown as T;
}
