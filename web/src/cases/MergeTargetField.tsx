import { useTranslation } from 'react-i18next';
import { Select } from '../ui';
import { duplicatesOf } from './api';
import { useLoad } from './hooks';

/** The open case to merge into: the nearby duplicates the server finds for this one. */
export function MergeTargetField({ caseId, value, onChange, error }: { caseId: number; value: number | undefined; onChange: (id: number | undefined) => void; error?: string }) {
  const { t } = useTranslation();
  const duplicates = useLoad(() => duplicatesOf(caseId), [caseId]);
  const items = duplicates.value?.items ?? [];
  if (duplicates.value && !items.length) return <p className="field-hint" role="status">{t('cases.field.noDuplicates')}</p>;
  return (
    <Select label={t('cases.field.mergeInto')} value={value ?? ''} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : undefined)}
      placeholder={t('cases.field.choose')} error={error} options={items.map((d) => ({ value: String(d.id), label: t('cases.field.duplicate', { ticketNo: d.ticketNo, metres: Math.round(d.distanceM) }) }))} />
  );
}
