import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, ConfirmButton, Select, useErrorMessage } from '../ui';
import { checkDraft, draftParameters, EMPTY_DRAFT, type ActionDraft, type DraftProblems } from './action-draft';
import { ActionFields } from './ActionFields';
import { bulkAction } from './api';
import { BULK_ACTIONS, type BulkAction, type BulkAnswer, type CaseSummary, type Category, type Department } from './types';

/** Bulk actions that end the cases (不予立案, 结案): asked about once more before they are sent. */
const ENDING: ReadonlySet<BulkAction> = new Set<BulkAction>(['reject', 'close']);

export interface BulkActionBarProps {
  /** The selected cases, in list order. */
  selected: readonly CaseSummary[];
  versions: ReadonlyMap<number, number>;
  categories: readonly Category[];
  departments: readonly Department[];
  /** The answer came: the queue reads its list again and keeps only the failed cases selected. */
  onDone: (answer: BulkAnswer, tickets: Map<number, string>) => void;
}

/** One action on every selected case (POST /api/v1/cases/bulk-actions), with a result per case. */
export function BulkActionBar({ selected, versions, categories, departments, onDone }: BulkActionBarProps) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [action, setAction] = useState<BulkAction>('dispatch');
  const [draft, setDraft] = useState<ActionDraft>(EMPTY_DRAFT);
  const [problems, setProblems] = useState<DraftProblems>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const waiting = selected.filter((c) => !versions.has(c.id)).length;

  /** Whether the draft may be sent: it shows what is missing when not. */
  const check = () => {
    // A bulk call back records one rating for every case: the server asks for it whatever the reporters said.
    const found = checkDraft(action, draft, { hasCategory: true, reporterRating: null });
    setProblems(found);
    setFailure(null);
    return !Object.keys(found).length && selected.length > 0 && !waiting;
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // An ending action goes only through its confirmation.
    if (!ENDING.has(action) && check()) void send();
  };
  const send = async () => {
    setBusy(true);
    try {
      const tickets = new Map(selected.map((c) => [c.id, c.ticketNo]));
      const result = await bulkAction(action, selected.map((c) => ({ id: c.id, version: versions.get(c.id)! })), draftParameters(action, draft));
      setDraft(EMPTY_DRAFT);
      onDone(result, tickets);
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="bulk-bar" aria-labelledby="bulk-title">
      <h2 id="bulk-title">{t('cases.bulk.title', { count: selected.length })}</h2>
      {selected.length > 0 && (
        <form onSubmit={submit} noValidate className="bulk-form" data-action={action}>
          <Select label={t('cases.bulk.action')} name="bulkAction" value={action} onChange={(e) => { setAction(e.target.value as BulkAction); setProblems({}); }}
            options={BULK_ACTIONS.map((a) => ({ value: a, label: t(`cases.action.${a}`) }))} />
          {failure !== null && <Alert>{messageOf(failure)}</Alert>}
          <ActionFields action={action} draft={draft} onDraft={(change) => setDraft((d) => ({ ...d, ...change }))} problems={problems} serverErrors={{}}
            categories={categories} departments={departments} categoryCode={null} proposal={action === 'dispatch' ? t('cases.bulk.autoHint') : undefined} />
          <div className="form-actions">
            {ENDING.has(action) ? (
              <ConfirmButton variant="primary" busy={busy || waiting > 0} ready={check} onConfirm={send}
                question={t('cases.bulk.ask', { action: t(`cases.action.${action}`), count: selected.length })}
                confirmLabel={t('cases.bulk.confirm', { action: t(`cases.action.${action}`), count: selected.length })}>
                {t('cases.bulk.submit', { action: t(`cases.action.${action}`), count: selected.length })}
              </ConfirmButton>
            ) : (
              <Button type="submit" variant="primary" busy={busy || waiting > 0}>
                {t('cases.bulk.submit', { action: t(`cases.action.${action}`), count: selected.length })}
              </Button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
