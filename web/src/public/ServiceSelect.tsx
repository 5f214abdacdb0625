import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchServices, type PublicService } from './api';

/** What kind of problem it is, optional: the categories the public may file under, grouped. */
export function ServiceSelect({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [services, setServices] = useState<PublicService[]>([]);
  useEffect(() => { fetchServices().then(setServices, () => setServices([])); }, []);
  const groups = new Map<string, PublicService[]>();
  for (const s of services) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  // Open311 names services in Chinese; its keywords carry the English name second.
  const nameOf = (s: PublicService) => (i18n.language === 'en' ? s.keywords.split(', ')[1] || s.service_name : s.service_name);
  return (
    <div className="field">
      <label htmlFor={id}>{t('public.report.category')}</label>
      <p className="field-hint" id={`${id}-hint`}>{t('public.report.categoryHint')}</p>
      <select id={id} name="categoryCode" value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-hint`}>
        <option value="">{t('public.report.categoryUnknown')}</option>
        {[...groups.entries()].map(([group, list]) => (
          <optgroup key={group} label={group}>
            {list.map((s) => <option key={s.service_code} value={s.service_code}>{nameOf(s)}</option>)}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
