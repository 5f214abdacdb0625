import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_STATUSES } from '../api/types';
import { useAddressDraft } from '../app/echoes';
import { positiveInt } from '../app/record-id';
import { Button, Select, TextField } from '../ui';
import { areaTree } from './api';
import { areaOptions } from './area-options';
import { dayEnd, dayOf, dayStart } from './case-query';
import { CategorySelect } from './CategorySelect';
import { DepartmentPicker } from './DepartmentPicker';
import { useLoad } from './hooks';
import { CHANNELS, type Category, type Department } from './types';

type DateOf = 'received' | 'closed' | 'due';
/** The address's parameters for each kind of date range. */
const RANGE: Record<DateOf, [string, string]> = { received: ['from', 'to'], closed: ['closedFrom', 'closedTo'], due: ['dueFrom', 'dueTo'] };

interface FilterDraft {
  status: string;
  categoryCode: string;
  channel: string;
  adminUnitId: string;
  departmentId?: number;
  overdue: boolean;
  q: string;
  /** Which date `from` and `to` bound: when the case was received, closed, or due (as the figures count it). */
  dateOf: DateOf;
  from: string;
  to: string;
}

function draftOf(params: URLSearchParams): FilterDraft {
  const statuses = params.getAll('status');
  return {
    status: statuses.length === 1 ? statuses[0] : '',
    categoryCode: params.get('categoryCode') ?? '',
    channel: params.get('channel') ?? '',
    adminUnitId: params.get('adminUnitId') ?? '',
    departmentId: positiveInt(params.get('departmentId')) ?? undefined,
    overdue: params.get('overdue') === 'true',
    q: params.get('q') ?? '',
    ...rangeOf(params),
  };
}

function rangeOf(params: URLSearchParams): Pick<FilterDraft, 'dateOf' | 'from' | 'to'> {
  const dateOf = (['due', 'closed'] as const).find((d) => RANGE[d].some((k) => params.has(k))) ?? 'received';
  const [from, to] = RANGE[dateOf];
  return { dateOf, from: dayOf(params.get(from) ?? undefined), to: dayOf(params.get(to) ?? undefined, true) };
}

function paramsOf(d: FilterDraft): URLSearchParams {
  const p = new URLSearchParams();
  const set = (k: string, v: string | undefined) => { if (v) p.set(k, v); };
  set('status', d.status);
  set('categoryCode', d.categoryCode);
  set('channel', d.channel);
  set('adminUnitId', d.adminUnitId);
  set('departmentId', d.departmentId?.toString());
  if (d.overdue) p.set('overdue', 'true');
  set('q', d.q.trim());
  const [from, to] = RANGE[d.dateOf];
  if (d.from) p.set(from, dayStart(d.from));
  if (d.to) p.set(to, dayEnd(d.to));
  return p;
}

export interface CaseFiltersProps {
  params: URLSearchParams;
  onApply: (params: URLSearchParams) => void;
  categories: readonly Category[];
  departments: readonly Department[];
}

/** How many filters besides the words are set: shown on the folded form, so none is forgotten there. */
function setBeyondWords(d: FilterDraft): number {
  return [d.status, d.categoryCode, d.channel, d.adminUnitId, d.departmentId, d.overdue, d.from, d.to].filter(Boolean).length;
}

/** Wide enough to show every filter beside the list; a phone shows the words and folds the rest. */
const WIDE = '(min-width: 641px)';

/** The list's filters: state, category, channel, area, department, overdue, dates, and a ticket number or words. */
export function CaseFilters({ params, onApply, categories, departments }: CaseFiltersProps) {
  const { t } = useTranslation();
  const { draft, set, submit, clear } = useAddressDraft(params, draftOf, paramsOf, onApply);
  // Ten fields fill a phone's first screen before any case: there they start folded, their count on the fold.
  const [unfolded, setUnfolded] = useState(() => window.matchMedia(WIDE).matches);
  const active = setBeyondWords(draft);
  const areas = useLoad(() => areaTree(), []);
  const areaChoices = useMemo(() => areaOptions(areas.value ?? []), [areas.value]);
  const statusOptions = [{ value: 'open', label: t('cases.filter.open') }, ...CASE_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))];
  return (
    <form className="case-filters" onSubmit={submit} role="search" aria-label={t('cases.filter.title')}>
      <TextField label={t('cases.filter.q')} type="search" name="q" value={draft.q} onChange={(e) => set({ q: e.target.value })} hint={t('cases.filter.qHint')} className="filter-q" />
      <details className="filter-more" open={unfolded} onToggle={(e) => setUnfolded(e.currentTarget.open)}>
        <summary>
          {t('cases.filter.more')}
          {active > 0 && <span className="badge">{t('cases.filter.active', { count: active })}</span>}
        </summary>
        <div className="filter-fields">
          <Select label={t('cases.column.status')} name="status" value={draft.status} onChange={(e) => set({ status: e.target.value })} placeholder={t('cases.filter.all')} options={statusOptions} />
          <CategorySelect label={t('cases.field.category')} categories={categories} withClasses value={draft.categoryCode} onChange={(categoryCode) => set({ categoryCode })} placeholder={t('cases.filter.all')} name="categoryCode" />
          <Select label={t('cases.field.channel')} name="channel" value={draft.channel} onChange={(e) => set({ channel: e.target.value })} placeholder={t('cases.filter.all')}
            options={CHANNELS.map((c) => ({ value: c, label: t(`cases.channel.${c}`) }))} />
          <Select label={t('cases.field.area')} name="adminUnitId" value={draft.adminUnitId} onChange={(e) => set({ adminUnitId: e.target.value })} placeholder={t('cases.filter.all')} options={areaChoices} />
          <DepartmentPicker label={t('cases.column.department')} departments={departments} value={draft.departmentId} onChange={(departmentId) => set({ departmentId })} placeholder={t('cases.filter.all')} />
          <Select label={t('cases.filter.dateOfLabel')} name="dateOf" value={draft.dateOf} onChange={(e) => set({ dateOf: e.target.value as FilterDraft['dateOf'] })}
            options={(['received', 'closed', 'due'] as const).map((d) => ({ value: d, label: t(`cases.filter.dateOf.${d}`) }))} />
          <TextField label={t(`cases.filter.rangeFrom.${draft.dateOf}`)} type="date" name="from" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
          <TextField label={t(`cases.filter.rangeTo.${draft.dateOf}`)} type="date" name="to" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
          <label className="check">
            <input type="checkbox" name="overdue" checked={draft.overdue} onChange={(e) => set({ overdue: e.target.checked })} /> {t('cases.filter.overdue')}
          </label>
        </div>
      </details>
      <div className="form-actions">
        <Button type="submit" variant="primary">{t('cases.filter.apply')}</Button>
        <Button onClick={clear}>{t('cases.filter.clear')}</Button>
      </div>
    </form>
  );
}
