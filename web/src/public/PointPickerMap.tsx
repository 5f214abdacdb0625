import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { fitTo } from '../geo/layers';
import { MapView } from '../geo/MapView';
import { Button } from '../ui/Button';
import type { PickedPoint } from './PointField';

function pointData(p: PickedPoint | null): FeatureCollection {
  return { type: 'FeatureCollection', features: p ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: {} }] : [] };
}

/**
 * Click (or tap) the map to place the point; keyboard users move the map with the arrow keys
 * and take its centre. Loaded lazily, with MapLibre, by PointField.
 */
export default function PointPickerMap({ value, onPick, outline }: { value: PickedPoint | null; onPick: (p: PickedPoint) => void; outline?: FeatureCollection }) {
  const { t } = useTranslation();
  const mapRef = useRef<MapLibreMap | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  const [ready, setReady] = useState(false);
  const latest = useRef({ value });
  latest.current = { value };

  useEffect(() => {
    (mapRef.current?.getSource('picked') as GeoJSONSource | undefined)?.setData(pointData(value));
  }, [value]);

  // The outlines may arrive after the map (fetched when it opened): drawn, and fitted to, when they do.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !outline) return;
    (map.getSource('outline') as GeoJSONSource).setData(outline);
    if (!latest.current.value) fitTo(map, outline);
  }, [ready, outline]);

  const onLoad = (map: MapLibreMap) => {
    mapRef.current = map;
    map.addSource('outline', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'outline-fill', type: 'fill', source: 'outline', paint: { 'fill-color': '#0b57a4', 'fill-opacity': 0.08 } });
    map.addLayer({ id: 'outline-line', type: 'line', source: 'outline', paint: { 'line-color': '#0b57a4', 'line-width': 2 } });
    setReady(true);
    map.addSource('picked', { type: 'geojson', data: pointData(value) });
    map.addLayer({ id: 'picked', type: 'circle', source: 'picked', paint: { 'circle-radius': 9, 'circle-color': '#9f1d20', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 } });
    map.getCanvas().style.cursor = 'crosshair';
    map.on('click', (e) => pick.current({ lon: e.lngLat.lng, lat: e.lngLat.lat }));
  };

  return (
    <div className="point-picker">
      <p className="field-hint">{t('public.point.mapHint')}</p>
      <div className="point-picker-map">
        <MapView label={t('public.point.mapLabel')} center={value ? [value.lon, value.lat] : undefined} zoom={value ? 16 : 10} onLoad={onLoad} className="picker-map"
          regionProps={{ 'data-outlines': ready && outline ? outline.features.length : 0 }} />
        <span className="crosshair" aria-hidden="true" />
      </div>
      <Button onClick={() => { const c = mapRef.current?.getCenter(); if (c) onPick({ lon: c.lng, lat: c.lat }); }}>{t('public.point.takeCentre')}</Button>
    </div>
  );
}
