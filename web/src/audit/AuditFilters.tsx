import { useTranslation } from 'react-i18next';
import { useAddressDraft } from '../app/echoes';
import { dayEnd, dayOf, dayStart } from '../cases/case-query';
import { Button, Select, TextField } from '../ui';
import { ACTION_FAMILIES, TARGET_TYPES } from './labels';

interface Draft {
  action: string;
  actor: string;
  targetType: string;
  targetId: string;
  from: string;
  to: string;
}

function draftOf(params: URLSearchParams): Draft {
  return {
    action: params.get('action') ?? '',
    actor: params.get('actor') ?? '',
    targetType: params.get('targetType') ?? '',
    targetId: params.get('targetId') ?? '',
    from: dayOf(params.get('from') ?? undefined),
    to: dayOf(params.get('to') ?? undefined, true),
  };
}

function paramsOf(d: Draft): URLSearchParams {
  const p = new URLSearchParams();
  const set = (k: string, v: string) => { if (v.trim()) p.set(k, v.trim()); };
  set('action', d.action);
  set('actor', d.actor);
  set('targetType', d.targetType);
  if (d.targetType) set('targetId', d.targetId);
  if (d.from) p.set('from', dayStart(d.from));
  if (d.to) p.set('to', dayEnd(d.to));
  return p;
}

/** What an auditor narrows the trail by: a kind of action, who acted, one record, and days. */
export function AuditFilters({ params, onApply }: { params: URLSearchParams; onApply: (params: URLSearchParams) => void }) {
  const { t } = useTranslation();
  const { draft, set, submit, clear } = useAddressDraft(params, draftOf, paramsOf, onApply);
  // A family from the address that the list does not offer (one exact action, from a link) stays choosable.
  const families = ACTION_FAMILIES.includes(draft.action) || !draft.action ? ACTION_FAMILIES : [...ACTION_FAMILIES, draft.action];
  return (
    <form className="audit-filters" onSubmit={submit} role="search" aria-label={t('audit.filter.title')}>
      <Select label={t('audit.filter.action')} name="action" value={draft.action} onChange={(e) => set({ action: e.target.value })} placeholder={t('audit.filter.all')}
        options={families.map((a) => ({ value: a, label: t(`audit.family.${a.replace('.*', '')}`, { defaultValue: a }) }))} />
      <TextField label={t('audit.filter.actor')} name="actor" value={draft.actor} maxLength={64} autoComplete="off" onChange={(e) => set({ actor: e.target.value })} />
      <Select label={t('audit.filter.targetType')} name="targetType" value={draft.targetType} onChange={(e) => set({ targetType: e.target.value })} placeholder={t('audit.filter.all')}
        options={TARGET_TYPES.map((type) => ({ value: type, label: t(`audit.target.${type}`) }))} />
      <TextField label={t('audit.filter.targetId')} name="targetId" value={draft.targetId} maxLength={50} disabled={!draft.targetType}
        hint={t('audit.filter.targetIdHint')} onChange={(e) => set({ targetId: e.target.value })} />
      <TextField label={t('audit.filter.from')} type="date" name="from" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
      <TextField label={t('audit.filter.to')} type="date" name="to" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
      <div className="form-actions">
        <Button type="submit" variant="primary">{t('audit.filter.apply')}</Button>
        <Button onClick={clear}>{t('audit.filter.clear')}</Button>
      </div>
    </form>
  );
}
