import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Select, TextField } from '../ui';
import { ANSWERING_ACTIONS } from '../../../src/cases/cases.contract';
import { ACTION_FORMS, REFER_TO } from './action-forms';
import type { ActionDraft, DraftProblems } from './action-draft';
import { CategorySelect } from './CategorySelect';
import { DepartmentPicker } from './DepartmentPicker';
import { PhotoInput } from '../public/PhotoInput';
import { SatisfactionField } from './SatisfactionField';
import { TemplatePicker } from './TemplatePicker';
import { MergeTargetField } from './MergeTargetField';
import { TIME_UNITS, TRIAGES, URGENCIES, type CaseAction, type Category, type Department } from './types';

export interface ActionFieldsProps {
  action: CaseAction;
  draft: ActionDraft;
  onDraft: (change: Partial<ActionDraft>) => void;
  problems: DraftProblems;
  /** Messages the server gave for a field, shown instead of the draft's own problem. */
  serverErrors: Partial<Record<string, string>>;
  categories: readonly Category[];
  departments: readonly Department[];
  /** The case's admin units, city first; absent in bulk. */
  nearUnitIds?: readonly number[];
  caseId?: number;
  categoryCode: string | null;
  /** The department the catalogue proposes, shown beside the department picker. */
  proposal?: string;
  /** The reporter rated the case themselves: said in place of asking for their satisfaction. */
  reporterRating?: number | null;
}

/** The fields an action needs (action-forms.ts), nothing more. */
export function ActionFields(p: ActionFieldsProps) {
  const { t } = useTranslation();
  const noteId = useId();
  const { action, draft, onDraft } = p;
  const form = ACTION_FORMS[action];
  const has = (f: (typeof form.fields)[number]) => form.fields.includes(f);
  const error = (f: keyof DraftProblems) => p.serverErrors[f] ?? (p.problems[f] ? t(`cases.invalid.${p.problems[f]!}`) : undefined);
  const support = p.departments.filter((d) => draft.supportDepartmentIds.includes(d.id));
  // The reporter is told this note word for word: the person writing it should know.
  const answering = (ANSWERING_ACTIONS as readonly string[]).includes(action);
  return (
    <>
      {has('category') && (
        <CategorySelect label={t('cases.field.category')} categories={p.categories} value={draft.categoryCode} onChange={(categoryCode) => onDraft({ categoryCode })}
          placeholder={p.categoryCode ? t('cases.field.keepCategory') : t('cases.field.choose')} error={error('category')} name="categoryCode" />
      )}
      {has('triage') && (
        <Select label={t('cases.field.triage')} value={draft.triage} onChange={(e) => onDraft({ triage: e.target.value as ActionDraft['triage'] })}
          placeholder={t('cases.field.byCategory')} options={TRIAGES.map((v) => ({ value: v, label: t(`cases.triage.${v}`) }))} name="triage" />
      )}
      {has('urgency') && (
        <Select label={t('cases.field.urgency')} value={draft.urgency} onChange={(e) => onDraft({ urgency: e.target.value as ActionDraft['urgency'] })}
          placeholder={t('cases.field.keep')} options={URGENCIES.map((v) => ({ value: v, label: t(`cases.urgency.${v}`) }))} name="urgency" />
      )}
      {has('department') && (
        <DepartmentPicker label={t(action === 'joint_dispatch' ? 'cases.field.leadDepartment' : 'cases.field.department')} departments={p.departments}
          value={draft.departmentId} onChange={(departmentId) => onDraft({ departmentId })} nearUnitIds={p.nearUnitIds}
          placeholder={t('cases.field.departmentAuto')} hint={p.proposal} error={error('department')} name="departmentId" />
      )}
      {has('supportDepartments') && (
        <div className="support-departments">
          <DepartmentPicker label={t('cases.field.supportDepartments')} departments={p.departments} value={undefined} nearUnitIds={p.nearUnitIds}
            onChange={(id) => id !== undefined && !draft.supportDepartmentIds.includes(id) && onDraft({ supportDepartmentIds: [...draft.supportDepartmentIds, id] })}
            placeholder={t('cases.field.addSupport')} error={error('supportDepartments')} />
          {support.length > 0 && (
            <ul className="chips" aria-label={t('cases.field.supportChosen')}>
              {support.map((d) => (
                <li key={d.id}>
                  {d.name}
                  <Button variant="link" onClick={() => onDraft({ supportDepartmentIds: draft.supportDepartmentIds.filter((x) => x !== d.id) })} aria-label={t('cases.field.removeSupport', { name: d.name })}>×</Button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {has('suggestedDepartment') && (
        <DepartmentPicker label={t('cases.field.suggestedDepartment')} departments={p.departments} value={draft.departmentId}
          onChange={(departmentId) => onDraft({ departmentId })} nearUnitIds={p.nearUnitIds} placeholder={t('cases.field.optional')} />
      )}
      {has('satisfaction') && p.reporterRating != null && (
        <p className="reporter-rating">{t('cases.field.reporterRated', { rating: t(`cases.satisfaction.${p.reporterRating as 1 | 2 | 3 | 4 | 5}`), score: p.reporterRating })}</p>
      )}
      {has('satisfaction') && p.reporterRating == null && (
        <SatisfactionField legend={t('cases.field.satisfaction')} value={draft.satisfaction} onChange={(satisfaction) => onDraft({ satisfaction })} error={error('satisfaction')} />
      )}
      {has('mergeInto') && p.caseId !== undefined && (
        <MergeTargetField caseId={p.caseId} value={draft.mergeIntoId} onChange={(mergeIntoId) => onDraft({ mergeIntoId })} error={error('mergeInto')} />
      )}
      {has('extension') && (
        <div className="field-row">
          <TextField label={t('cases.field.extensionAmount')} type="number" min={0.5} step={0.5} inputMode="decimal" value={draft.extensionAmount}
            onChange={(e) => onDraft({ extensionAmount: e.target.value })} error={error('extension')} name="extensionAmount" />
          <Select label={t('cases.field.extensionUnit')} value={draft.extensionUnit} onChange={(e) => onDraft({ extensionUnit: e.target.value as ActionDraft['extensionUnit'] })}
            options={TIME_UNITS.map((u) => ({ value: u, label: t(`cases.timeUnit.${u}`) }))} />
        </div>
      )}
      {has('referTo') && (
        <Select label={t('cases.field.referTo')} value={draft.referTo} onChange={(e) => onDraft({ referTo: e.target.value })} placeholder={t('cases.field.optional')}
          options={REFER_TO.map((r) => ({ value: r, label: t(`cases.referTo.${r}`) }))} name="referTo" />
      )}
      {has('photos') && (
        <PhotoInput label={t('cases.field.photos')} files={draft.photos} onChange={(photos) => onDraft({ photos })} error={error('photos')} hint={t('cases.field.photosHint')}
          camera={form.photoStage === 'verification'} />
      )}
      <TemplatePicker action={action} categoryCode={p.categoryCode} caseId={p.caseId} templateId={draft.templateId}
        onChange={(templateId) => onDraft({ templateId })} onUseText={(text) => onDraft({ note: draft.note ? `${text}\n${draft.note}` : text })} />
      <div className={['field', error('note') ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
        <label htmlFor={noteId}>
          {t(draft.templateId !== undefined ? 'cases.field.noteWithTemplate' : form.noteRequired ? 'cases.field.noteRequired' : 'cases.field.note')}
        </label>
        {answering && <p id={`${noteId}-hint`} className="field-hint">{t('cases.field.noteIsAnswer')}</p>}
        <textarea id={noteId} name="note" rows={3} maxLength={4000} value={draft.note} onChange={(e) => onDraft({ note: e.target.value })}
          aria-invalid={error('note') ? true : undefined}
          aria-describedby={[answering ? `${noteId}-hint` : '', error('note') ? `${noteId}-error` : ''].filter(Boolean).join(' ') || undefined} />
        {error('note') && <p id={`${noteId}-error`} className="field-error">{error('note')}</p>}
      </div>
    </>
  );
}
