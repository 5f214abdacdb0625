import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import type { GeoJSONSource, LngLatBoundsLike, Map as MapLibreMap } from 'maplibre-gl';
import type { Basemap } from './api';
import { geoJsonToGcj02 } from './gcj02';

/** Drawing GeoJSON from the API on a MapLibre map: sources, outline layers, fitting, display datum. */

/** The geometry as the screen shows it: shifted to GCJ-02 over a GCJ-02 basemap, else as stored (WGS84). */
export function forDisplay<T extends FeatureCollection | Feature>(geojson: T, basemap: Basemap | null): T {
  return basemap?.crs === 'gcj02' ? geoJsonToGcj02(geojson) : geojson;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Sets a GeoJSON source's data, adding the source the first time. */
export function setSource(map: MapLibreMap, id: string, data: FeatureCollection | Feature | null, options: Record<string, unknown> = {}): void {
  const source = map.getSource<GeoJSONSource>(id);
  if (source) source.setData(data ?? EMPTY);
  else map.addSource(id, { type: 'geojson', data: data ?? EMPTY, ...options });
}

/** Outline colours: admin units darker and thicker than grids. */
export const OUTLINE = { unit: '#3b4a5c', grid: '#7d8a99', highlight: '#9f1d20' } as const;

/** A fill (light, for hover and contrast with the background) and a line for the outlines of a source. */
export function addOutlineLayers(map: MapLibreMap, source: string, kind: 'unit' | 'grid', beforeId?: string): void {
  map.addLayer({
    id: `${source}-fill`, type: 'fill', source,
    paint: { 'fill-color': kind === 'unit' ? '#ffffff' : '#dfe6ee', 'fill-opacity': kind === 'unit' ? 0.55 : 0.25 },
  }, beforeId);
  map.addLayer({
    id: `${source}-line`, type: 'line', source,
    paint: { 'line-color': OUTLINE[kind], 'line-width': kind === 'unit' ? 1.6 : ['interpolate', ['linear'], ['zoom'], 9, 0.3, 13, 1] },
  }, beforeId);
}

/** The bounding box of everything in a collection or feature, or null when it has no positions. */
export function boundsOf(geojson: FeatureCollection | Feature): [[number, number], [number, number]] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const [x, y] = c as Position;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      return;
    }
    for (const inner of c) visit(inner);
  };
  const geometries = (geojson.type === 'FeatureCollection' ? geojson.features : [geojson]).map((f) => f.geometry as Geometry | null);
  for (const g of geometries) if (g && 'coordinates' in g) visit(g.coordinates);
  return minX === Infinity ? null : [[minX, minY], [maxX, maxY]];
}

/** What each map was last fitted to, and whether someone has moved it since. */
const fits = new WeakMap<MapLibreMap, { bounds: [[number, number], [number, number]]; padding: number; moved: boolean }>();

/**
 * Fits the view to a collection or feature without animation (screen readers and reduced
 * motion), and keeps it fitted when the map changes size (a phone turned, a wall screen's
 * window) until someone pans or zooms it.
 */
export function fitTo(map: MapLibreMap, geojson: FeatureCollection | Feature, padding = 24): void {
  const bounds = boundsOf(geojson);
  if (!bounds) return;
  if (!fits.has(map)) {
    map.on('movestart', (e) => { if ((e as { originalEvent?: unknown }).originalEvent) fits.get(map)!.moved = true; });
    map.on('resize', () => {
      const fit = fits.get(map)!;
      if (!fit.moved) map.fitBounds(fit.bounds as LngLatBoundsLike, { padding: fit.padding, animate: false, maxZoom: 16 });
    });
  }
  fits.set(map, { bounds, padding, moved: false });
  map.fitBounds(bounds as LngLatBoundsLike, { padding, animate: false, maxZoom: 16 });
}
