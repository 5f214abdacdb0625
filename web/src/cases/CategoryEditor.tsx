import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../api/client';
import { Button, Select, TextField, useSubmit } from '../ui';
import { updateCategory } from './api';
import { DEPARTMENT_KINDS, TIME_UNITS, TRIAGES, URGENCIES, type Category, type TimeLimit, type Urgency } from './types';

interface Draft {
  name: string;
  nameEn: string;
  triage: string;
  departmentKind: string;
  registerCondition: string;
  closeCondition: string;
  /** Per urgency: the amount as typed ('' for no limit) and its unit. */
  limits: Record<Urgency, { amount: string; unit: TimeLimit['unit'] }>;
  active: boolean;
}

function draftOf(c: Category): Draft {
  const limit = (u: Urgency) => ({ amount: c.limits?.[u] ? String(c.limits[u]!.amount) : '', unit: c.limits?.[u]?.unit ?? 'days' });
  return {
    name: c.name, nameEn: c.nameEn, triage: c.triage ?? '', departmentKind: c.departmentKind ?? '',
    registerCondition: c.registerCondition ?? '', closeCondition: c.closeCondition ?? '',
    limits: { routine: limit('routine'), urgent: limit('urgent'), critical: limit('critical') }, active: c.active,
  };
}

/** What the form changes, as PATCH takes it: only the fields that differ from the category. */
function patchOf(c: Category, d: Draft): Parameters<typeof updateCategory>[1] {
  const limits: Partial<Record<Urgency, TimeLimit>> = {};
  for (const u of URGENCIES) {
    if (d.limits[u].amount.trim()) limits[u] = { amount: Number(d.limits[u].amount), unit: d.limits[u].unit };
  }
  const wanted = {
    name: d.name.trim(), nameEn: d.nameEn.trim(), triage: (d.triage || null) as Category['triage'],
    departmentKind: (d.departmentKind || null) as Category['departmentKind'],
    registerCondition: d.registerCondition.trim() || null, closeCondition: d.closeCondition.trim() || null,
    limits: Object.keys(limits).length ? limits : null, active: d.active,
  };
  return Object.fromEntries(Object.entries(wanted).filter(([k, v]) => canonical(v) !== canonical(c[k as keyof Category] ?? null)));
}

/** JSON with keys in order, so that two limits objects listing urgencies differently compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
    : v));
}

/**
 * A subclass as administrators keep it: names, who owns it (三事分流), the department kind it goes to
 * where no rule says otherwise, its registration and closing conditions, its handling limit per
 * urgency (GB/T 30428 practice), and whether new cases may still be filed under it.
 */
export function CategoryEditor({ category, onSaved }: { category: Category; onSaved: () => void }) {
  const { t } = useTranslation();
  const { saving, error, submit, clearError } = useSubmit();
  const [draft, setDraft] = useState(() => draftOf(category));
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const setLimit = (u: Urgency, change: Partial<Draft['limits'][Urgency]>) => setDraft((d) => ({ ...d, limits: { ...d.limits, [u]: { ...d.limits[u], ...change } } }));
  const patch = patchOf(category, draft);
  const changed = Object.keys(patch).length > 0;

  const save = (e: FormEvent) => {
    e.preventDefault();
    void submit(() => updateCategory(category.code, patch), () => t('cases.catalogue.category.saved', { code: category.code }), onSaved);
  };
  const limitError = fieldError(error, 'limits') ?? URGENCIES.map((u) => fieldError(error, `limits.${u}.amount`)).find(Boolean);

  return (
    <form className="category-editor" onSubmit={save} aria-label={t('cases.catalogue.category.title', { code: category.code })}>
      <h2>{t('cases.catalogue.category.title', { code: category.code })}</h2>
      <p className="muted">{t('cases.catalogue.category.departmentKindHint')}</p>
      <div className="category-editor-grid">
        <TextField label={t('cases.catalogue.category.name')} name="name" value={draft.name} maxLength={60} onChange={(e) => set({ name: e.target.value })} error={fieldError(error, 'name')} />
        <TextField label={t('cases.catalogue.category.nameEn')} name="nameEn" value={draft.nameEn} maxLength={120} onChange={(e) => set({ nameEn: e.target.value })} error={fieldError(error, 'nameEn')} />
        <Select label={t('cases.field.triage')} name="triage" value={draft.triage} onChange={(e) => set({ triage: e.target.value })} placeholder={t('cases.field.optional')}
          options={TRIAGES.map((v) => ({ value: v, label: t(`cases.triage.${v}`) }))} />
        <Select label={t('cases.catalogue.category.departmentKind')} name="departmentKind" value={draft.departmentKind} onChange={(e) => set({ departmentKind: e.target.value })} placeholder={t('cases.field.optional')}
          options={DEPARTMENT_KINDS.map((v) => ({ value: v, label: t(`cases.departmentKind.${v}`) }))} />
      </div>
      <fieldset className="field">
        <legend>{t('cases.catalogue.category.limits')}</legend>
        <div className="category-limits">
          {URGENCIES.map((u) => (
            <div key={u} className="category-limit">
              <TextField label={t(`cases.urgency.${u}`)} name={`limit-${u}`} type="number" min={0} step="any" inputMode="decimal" value={draft.limits[u].amount}
                onChange={(e) => setLimit(u, { amount: e.target.value })} />
              <Select label={t('cases.catalogue.category.unit', { urgency: t(`cases.urgency.${u}`) })} hideLabel name={`limit-${u}-unit`} value={draft.limits[u].unit}
                onChange={(e) => setLimit(u, { unit: e.target.value as TimeLimit['unit'] })} options={TIME_UNITS.map((v) => ({ value: v, label: t(`cases.timeUnit.${v}`) }))} />
            </div>
          ))}
        </div>
        {limitError && <p className="field-error">{limitError}</p>}
      </fieldset>
      <TextField label={t('cases.catalogue.category.registerCondition')} name="registerCondition" value={draft.registerCondition} maxLength={500} onChange={(e) => set({ registerCondition: e.target.value })} />
      <TextField label={t('cases.catalogue.category.closeCondition')} name="closeCondition" value={draft.closeCondition} maxLength={500} onChange={(e) => set({ closeCondition: e.target.value })} />
      <label className="check">
        <input type="checkbox" name="active" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} /> {t('cases.catalogue.category.active')}
      </label>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={saving} disabled={!changed}>{t('cases.catalogue.category.save')}</Button>
        <Button onClick={() => { setDraft(draftOf(category)); clearError(); }} disabled={!changed}>{t('cases.catalogue.category.undo')}</Button>
      </div>
    </form>
  );
}
