// TEMPORARY placeholder: replace with the real screen (keep the default export).
import { useTranslation } from 'react-i18next';
import { Placeholder } from '../app/Placeholder';
import { MapView } from './MapView';
export default function MapScreen() { const { t } = useTranslation(); return <><Placeholder titleKey="geo.mapTitle" /><MapView label={t('geo.mapTitle')} /></>; }
