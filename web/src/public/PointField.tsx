import { lazy, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './fields.css';
import type { FeatureCollection } from 'geojson';
import { Button } from '../ui/Button';
import { Spinner } from '../ui/Spinner';

// MapLibre (~1 MB) loads only when someone asks to pick on the map.
const PointPickerMap = lazy(() => import('./PointPickerMap'));

export interface PickedPoint {
  lon: number;
  lat: number;
}

export interface PointFieldProps {
  legend: string;
  value: PickedPoint | null;
  onChange: (point: PickedPoint | null) => void;
  error?: string;
  /** Outlines to pick within (a grid worker's grids), also where the map starts. */
  outline?: FeatureCollection;
  /** Fetches the outlines when the map is first opened instead (the city's districts for a resident). */
  loadOutline?: () => Promise<FeatureCollection>;
  /** Offer the device's position (false where the place is not where the device is: a call). */
  gps?: boolean;
}

type Locating = 'idle' | 'busy' | 'denied' | 'unavailable';

/**
 * Where it is: the phone's position (GPS), a point picked on the map, or longitude and latitude
 * typed in (WGS84, as stored). The map is for when GPS is off or the problem is elsewhere.
 */
export function PointField({ legend, value, onChange, error, outline, loadOutline, gps = true }: PointFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const [locating, setLocating] = useState<Locating>('idle');
  const [mapOpen, setMapOpen] = useState(false);
  const [loaded, setLoaded] = useState<FeatureCollection | undefined>();
  const [typed, setTyped] = useState({ lon: '', lat: '' });

  const locate = () => {
    if (!('geolocation' in navigator)) return setLocating('unavailable');
    setLocating('busy');
    navigator.geolocation.getCurrentPosition(
      (pos) => { setLocating('idle'); onChange({ lon: round(pos.coords.longitude), lat: round(pos.coords.latitude) }); },
      (err) => setLocating(err.code === err.PERMISSION_DENIED ? 'denied' : 'unavailable'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  const openMap = () => {
    // Without the outlines the map is blank but still works: a failed fetch leaves it so.
    if (loadOutline && !loaded) loadOutline().then(setLoaded, () => undefined);
  };
  const applyTyped = () => {
    const lon = Number(typed.lon);
    const lat = Number(typed.lat);
    if (typed.lon && typed.lat && Math.abs(lon) <= 180 && Math.abs(lat) <= 90) onChange({ lon, lat });
  };

  return (
    <fieldset className={['field', 'point-field', error ? 'field-invalid' : ''].filter(Boolean).join(' ')} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      <div className="point-buttons">
        {gps && <Button onClick={locate} busy={locating === 'busy'}>{t('public.point.useGps')}</Button>}
        <Button onClick={() => { setMapOpen(!mapOpen); if (!mapOpen) openMap(); }} aria-expanded={mapOpen}>{t(mapOpen ? 'public.point.hideMap' : 'public.point.pickOnMap')}</Button>
      </div>
      <p className="point-status" role="status">
        {locating === 'busy' && t('public.point.locating')}
        {locating === 'denied' && t('public.point.denied')}
        {locating === 'unavailable' && t('public.point.unavailable')}
        {locating === 'idle' && value && t('public.point.chosen', { lon: value.lon.toFixed(5), lat: value.lat.toFixed(5) })}
        {locating === 'idle' && !value && t('public.point.none')}
      </p>
      {mapOpen && (
        <Suspense fallback={<Spinner />}>
          <PointPickerMap value={value} onPick={(p) => onChange({ lon: round(p.lon), lat: round(p.lat) })} outline={outline ?? loaded} />
        </Suspense>
      )}
      <details className="point-typed">
        <summary>{t('public.point.typeIn')}</summary>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-lon`}>{t('public.point.lon')}</label>
            <input id={`${id}-lon`} name="lon" inputMode="decimal" value={typed.lon} onChange={(e) => setTyped({ ...typed, lon: e.target.value })} onBlur={applyTyped} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-lat`}>{t('public.point.lat')}</label>
            <input id={`${id}-lat`} name="lat" inputMode="decimal" value={typed.lat} onChange={(e) => setTyped({ ...typed, lat: e.target.value })} onBlur={applyTyped} />
          </div>
        </div>
        <Button onClick={applyTyped}>{t('public.point.useTyped')}</Button>
      </details>
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </fieldset>
  );
}

/** About a metre: enough for a report, and no more precise than a phone's GPS. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
