import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { AttributionControl, Map as MapLibreMap, NavigationControl, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Basemap } from './api';

// MapLibre 6 runs its worker from a file beside its module; after bundling that file is a hashed asset.
setWorkerUrl(workerUrl);

/** The map's background where no basemap tile covers it. */
const BACKGROUND = '#eef1f4';

/**
 * No basemap tiles by default: the city's own boundaries and grids (GeoJSON from the API, WGS84)
 * are the map. No glyphs or sprites either: labels are HTML beside or over the map, so the map
 * fetches nothing from outside.
 */
export const BLANK_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }],
};

/** The style for a configured basemap (GET /api/v1/geo/map-settings), or the blank one. */
export function styleFor(basemap: Basemap | null): StyleSpecification {
  if (!basemap) return BLANK_STYLE;
  return {
    version: 8,
    sources: { basemap: { type: 'raster', tiles: basemap.tiles, tileSize: 256, maxzoom: 18, ...(basemap.attribution ? { attribution: basemap.attribution } : {}) } },
    layers: [...BLANK_STYLE.layers, { id: 'basemap', type: 'raster', source: 'basemap' }],
  };
}

/** Nantong, roughly; screens usually fit the map to their data instead. */
const DEFAULT_CENTER: [number, number] = [120.89, 32.0];

export interface MapViewProps {
  /** Names the map for screen readers ("网格地图"); give a text alternative (a table or list) beside it. */
  label: string;
  style?: StyleSpecification;
  center?: [number, number];
  zoom?: number;
  className?: string;
  /** Called once the map and its style are loaded: add sources, layers and handlers here. */
  onLoad?: (map: MapLibreMap) => void;
  /** Extra attributes for the map's region (data-* for tests and styling). */
  regionProps?: Record<`data-${string}`, string | number>;
}

/**
 * A MapLibre map that lives as long as the component. Import it only from lazily loaded screens
 * (a route's Component), so MapLibre's ~1 MB loads on the screens that show a map.
 */
export function MapView({ label, style = BLANK_STYLE, center = DEFAULT_CENTER, zoom = 8, className, onLoad, regionProps }: MapViewProps) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const loaded = useRef(onLoad);
  loaded.current = onLoad;
  useEffect(() => {
    if (!container.current) return;
    const map = new MapLibreMap({
      container: container.current, style, center, zoom, attributionControl: false,
      locale: {
        'Map.Title': label,
        'NavigationControl.ZoomIn': t('geo.zoomIn'),
        'NavigationControl.ZoomOut': t('geo.zoomOut'),
        'NavigationControl.ResetBearing': t('geo.resetBearing'),
        'AttributionControl.ToggleAttribution': t('geo.attribution'),
      },
    });
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    if (Object.keys(style.sources).length > 0) map.addControl(new AttributionControl({ compact: true }), 'bottom-right');
    map.on('load', () => loaded.current?.(map));
    return () => map.remove();
    // The map is created once; later prop changes are the caller's to apply through onLoad's map.
  }, []);
  return <div ref={container} className={['map-view', className].filter(Boolean).join(' ')} role="region" aria-label={label} {...regionProps} />;
}
