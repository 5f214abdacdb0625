import type { Map as MapLibreMap } from 'maplibre-gl';
import { useTranslation } from 'react-i18next';
import { fitTo } from '../geo/layers';
import { MapView } from '../geo/MapView';
import { getGrid } from './api';
import type { Point } from './types';

/**
 * The case's point on a small map, inside the outline of its grid. Loaded lazily (with MapLibre)
 * by the case page only.
 */
export default function CaseMap({ point, gridId }: { point: Point; gridId: number | null }) {
  const { t } = useTranslation();
  const onLoad = (map: MapLibreMap) => {
    map.addSource('case-point', { type: 'geojson', data: { type: 'Feature', geometry: { type: 'Point', coordinates: [point.lon, point.lat] }, properties: {} } });
    map.addLayer({ id: 'case-point-halo', type: 'circle', source: 'case-point', paint: { 'circle-radius': 12, 'circle-color': '#ffffff', 'circle-stroke-color': '#9f1d20', 'circle-stroke-width': 3 } });
    map.addLayer({ id: 'case-point', type: 'circle', source: 'case-point', paint: { 'circle-radius': 5, 'circle-color': '#9f1d20' } });
    if (gridId === null) return;
    getGrid(gridId).then((grid) => {
      try {
        map.addSource('case-grid', { type: 'geojson', data: grid });
        map.addLayer({ id: 'case-grid-fill', type: 'fill', source: 'case-grid', paint: { 'fill-color': '#0b57a4', 'fill-opacity': 0.08 } }, 'case-point-halo');
        map.addLayer({ id: 'case-grid-line', type: 'line', source: 'case-grid', paint: { 'line-color': '#0b57a4', 'line-width': 2 } }, 'case-point-halo');
        // The whole grid in view, the point inside it: at a fixed zoom a large grid's edges were off the map.
        fitTo(map, grid, 32);
      } catch {
        // The page was left before the grid arrived: the map is gone.
      }
    }, () => { /* The point alone still says where. */ });
  };
  return <MapView label={t('cases.mapLabel', { lon: point.lon.toFixed(5), lat: point.lat.toFixed(5) })} center={[point.lon, point.lat]} zoom={15} className="case-map" onLoad={onLoad} />;
}
