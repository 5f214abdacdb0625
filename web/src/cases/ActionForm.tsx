import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { Alert, Button, useErrorMessage } from '../ui';
import { ACTION_FORMS } from './action-forms';
import { checkDraft, draftParameters, EMPTY_DRAFT, SERVER_FIELDS, type ActionDraft, type DraftProblems } from './action-draft';
import { ActionFields } from './ActionFields';
import { takeAction, uploadPhoto } from './api';
import type { CaseAction, CaseDetail, Category, Department } from './types';

export interface ActionFormProps {
  detail: CaseDetail;
  action: CaseAction;
  categories: readonly Category[];
  departments: readonly Department[];
  /** The case as the action left it. */
  onDone: (updated: CaseDetail) => void;
  onCancel: () => void;
  /** 409: someone acted first, or the action is no longer allowed; the case is to be read again. */
  onConflict: (err: ApiError) => void;
}

/** One action on one case: its fields, its photos sent first, then `{action, version, …}`. */
export function ActionForm({ detail, action, categories, departments, onDone, onCancel, onConflict }: ActionFormProps) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const form = ACTION_FORMS[action];
  const heading = useRef<HTMLHeadingElement>(null);
  const [draft, setDraft] = useState<ActionDraft>(EMPTY_DRAFT);
  const [problems, setProblems] = useState<DraftProblems>({});
  const [serverErrors, setServerErrors] = useState<Partial<Record<string, string>>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => heading.current?.focus(), []);

  // The server's own proposal: the catalogue with the area's rules, as dispatch would apply it.
  const proposal = form.fields.includes('department') ? detail.proposedRoute ?? null : null;
  const proposalText = proposal && (proposal.department
    ? t('cases.route.proposal', { department: proposal.department.name, reason: t(`cases.route.${proposal.reason}`) })
    : t(`cases.route.${proposal.reason}`));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = checkDraft(action, draft, { hasCategory: !!detail.category, reporterRating: detail.reporterRating });
    setProblems(found);
    setServerErrors({});
    setFailure(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      // The same bytes twice are stored once, so a retry after a failed action sends them again safely.
      for (const photo of draft.photos) await uploadPhoto(detail.id, photo, form.photoStage);
      onDone(await takeAction(detail.id, action, detail.version, draftParameters(action, draft)));
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 409 && err.field !== 'photo') return onConflict(err);
      const field = err instanceof ApiError && err.field ? SERVER_FIELDS[err.field] : undefined;
      if (field && form.fields.includes(field)) setServerErrors({ [field]: messageOf(err) });
      else setFailure(err);
    }
  };

  const titleId = `action-${detail.id}-${action}`;
  const invalid = Object.keys(problems).length > 0;
  return (
    <form className="action-form" onSubmit={submit} noValidate aria-labelledby={titleId} data-action={action}>
      <h3 id={titleId} ref={heading} tabIndex={-1}>{t('cases.actionOn', { action: t(`cases.action.${action}`), ticketNo: detail.ticketNo })}</h3>
      {invalid && <Alert>{t('cases.invalid.summary')}</Alert>}
      {failure !== null && <Alert>{messageOf(failure)}</Alert>}
      <ActionFields action={action} draft={draft} onDraft={(change) => setDraft((d) => ({ ...d, ...change }))} problems={problems} serverErrors={serverErrors}
        categories={categories} departments={departments} nearUnitIds={detail.adminUnits.map((u) => u.id)} caseId={detail.id}
        categoryCode={detail.category?.code ?? null} proposal={proposalText ?? undefined} reporterRating={detail.reporterRating} />
      <div className="form-actions">
        <Button type="submit" variant={form.tone === 'danger' ? 'danger' : 'primary'} busy={busy}>{t('cases.confirm', { action: t(`cases.action.${action}`) })}</Button>
        <Button onClick={onCancel} disabled={busy}>{t('cases.cancel')}</Button>
      </div>
    </form>
  );
}
