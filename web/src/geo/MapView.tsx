import { useEffect, useRef } from 'react';
import { Map as MapLibreMap, NavigationControl, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

// MapLibre 6 runs its worker from a file beside its module; after bundling that file is a hashed asset.
setWorkerUrl(workerUrl);

/**
 * No basemap tiles: the city's own boundaries and grids (GeoJSON from the API, WGS84) are the map.
 * A tile basemap (天地图, or a local tile server) can be added to the style later; convert to
 * GCJ-02 only for display over a commercial basemap (DOMAIN.md, Maps).
 */
export const BLANK_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } }],
};

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
}

/**
 * A MapLibre map that lives as long as the component. Import it only from lazily loaded screens
 * (a route's Component), so MapLibre's ~1 MB loads on the screens that show a map.
 */
export function MapView({ label, style = BLANK_STYLE, center = DEFAULT_CENTER, zoom = 8, className, onLoad }: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const loaded = useRef(onLoad);
  loaded.current = onLoad;
  useEffect(() => {
    if (!container.current) return;
    const map = new MapLibreMap({ container: container.current, style, center, zoom, attributionControl: false });
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => loaded.current?.(map));
    return () => map.remove();
    // The map is created once; later prop changes are the caller's to apply through onLoad's map.
  }, []);
  return <div ref={container} className={['map-view', className].filter(Boolean).join(' ')} role="region" aria-label={label} />;
}
