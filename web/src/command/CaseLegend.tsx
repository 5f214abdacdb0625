import { useTranslation } from 'react-i18next';
import { CASE_TONES, type CaseTone } from './caseLayers';

const ORDER: CaseTone[] = ['overdue', 'new', 'active', 'waiting', 'done', 'ended'];

/** What the map's colours mean, in words. */
export function CaseLegend() {
  const { t } = useTranslation();
  return (
    <ul className="legend" aria-label={t('command.legend')}>
      {ORDER.map((tone) => (
        <li key={tone}><span className="legend-dot" style={{ background: CASE_TONES[tone] }} aria-hidden="true" />{t(`command.tones.${tone}`)}</li>
      ))}
    </ul>
  );
}
