import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PLACEHOLDERS } from '../../../src/cases/cases.contract';
import { fieldError } from '../api/client';
import { Button, Select, TextField, useSubmit } from '../ui';
import { areaTree, createTemplate, updateTemplate } from './api';
import { areaOptions } from './area-options';
import { CategorySelect } from './CategorySelect';
import { useLoad } from './hooks';
import { CASE_ACTIONS, type CaseAction, type Category, type ResponseTemplate } from './types';

/** The steps a written answer fits: those that send the reporter or a department words. */
const ANSWERING: readonly CaseAction[] = CASE_ACTIONS.filter((a) => a !== 'rate' && a !== 'accept' && a !== 'resume');

/**
 * A response template (回复模板) written or changed: its title, its wording with the placeholders
 * a case fills in, the steps it fits, and optionally the category (or class) it is for. A new
 * one may be owned by an area below the writer's, for that area's staff.
 */
export function TemplateForm({ template, categories, onSaved, onCancel }: {
  template: ResponseTemplate | null;
  categories: readonly Category[];
  onSaved: (saved: ResponseTemplate) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { saving, error, submit } = useSubmit();
  const bodyId = useId();
  const body = useRef<HTMLTextAreaElement>(null);
  const [draft, setDraft] = useState({
    title: template?.title ?? '', body: template?.body ?? '', actions: template?.actions ?? [] as CaseAction[],
    categoryCode: template?.categoryCode ?? '', adminUnitId: '',
  });
  const areas = useLoad(() => (template ? Promise.resolve([]) : areaTree()), [template]);
  const areaChoices = useMemo(() => areaOptions(areas.value ?? []), [areas.value]);
  const set = (change: Partial<typeof draft>) => setDraft((d) => ({ ...d, ...change }));
  const toggle = (action: CaseAction, on: boolean) => set({ actions: on ? [...draft.actions, action] : draft.actions.filter((a) => a !== action) });
  // Puts a placeholder where the cursor is, as a user would type it.
  const insert = (placeholder: string) => {
    const el = body.current;
    const at = el?.selectionStart ?? draft.body.length;
    const end = el?.selectionEnd ?? at;
    set({ body: `${draft.body.slice(0, at)}{${placeholder}}${draft.body.slice(end)}` });
    requestAnimationFrame(() => { el?.focus(); el?.setSelectionRange(at + placeholder.length + 2, at + placeholder.length + 2); });
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    const input = { title: draft.title.trim(), body: draft.body, actions: CASE_ACTIONS.filter((a) => draft.actions.includes(a)), categoryCode: draft.categoryCode || undefined };
    void submit(
      () => (template ? updateTemplate(template.id, input) : createTemplate({ ...input, adminUnitId: draft.adminUnitId ? Number(draft.adminUnitId) : undefined })),
      (saved) => t(template ? 'cases.templateAdmin.updated' : 'cases.templateAdmin.created', { title: saved.title }),
      onSaved,
    );
  };

  return (
    <form className="template-form" onSubmit={save} aria-label={t(template ? 'cases.templateAdmin.editTitle' : 'cases.templateAdmin.newTitle')}>
      <h2>{t(template ? 'cases.templateAdmin.editTitle' : 'cases.templateAdmin.newTitle')}</h2>
      <TextField label={t('cases.templateAdmin.title')} name="title" required maxLength={100} value={draft.title} onChange={(e) => set({ title: e.target.value })} error={fieldError(error, 'title')} />
      <div className="field">
        <label htmlFor={bodyId}>{t('cases.templateAdmin.body')}</label>
        <p className="field-hint">{t('cases.templateAdmin.bodyHint')}</p>
        <div className="placeholder-buttons" role="group" aria-label={t('cases.templateAdmin.insert')}>
          {PLACEHOLDERS.map((p) => (
            <button key={p} type="button" className="chip-button" onClick={() => insert(p)}>{t(`cases.templateAdmin.placeholder.${p}`)}</button>
          ))}
        </div>
        <textarea id={bodyId} ref={body} name="body" rows={5} required maxLength={4000} value={draft.body} onChange={(e) => set({ body: e.target.value })}
          aria-invalid={fieldError(error, 'body') ? true : undefined} />
        {fieldError(error, 'body') && <p className="field-error">{fieldError(error, 'body')}</p>}
      </div>
      <fieldset className="field">
        <legend>{t('cases.templateAdmin.actions')}</legend>
        <div className="template-actions">
          {ANSWERING.map((a) => (
            <label key={a} className="check">
              <input type="checkbox" name="actions" value={a} checked={draft.actions.includes(a)} onChange={(e) => toggle(a, e.target.checked)} /> {t(`cases.action.${a}`)}
            </label>
          ))}
        </div>
        {fieldError(error, 'actions') && <p className="field-error">{t('cases.templateAdmin.actionsNeeded')}</p>}
      </fieldset>
      <CategorySelect label={t('cases.templateAdmin.category')} categories={categories} withClasses value={draft.categoryCode} onChange={(categoryCode) => set({ categoryCode })}
        placeholder={t('cases.catalogue.anyCategory')} name="categoryCode" error={fieldError(error, 'categoryCode')} />
      {!template && (
        <Select label={t('cases.templateAdmin.owner')} name="adminUnitId" value={draft.adminUnitId} onChange={(e) => set({ adminUnitId: e.target.value })}
          placeholder={t('cases.templateAdmin.ownJurisdiction')} options={areaChoices} error={fieldError(error, 'adminUnitId')} />
      )}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={saving}>{t('cases.templateAdmin.save')}</Button>
        <Button onClick={onCancel}>{t('cases.cancel')}</Button>
      </div>
    </form>
  );
}
