import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import { Alert, Button, useToast } from '../ui';
import { ACTION_FORMS } from './action-forms';
import { ActionForm } from './ActionForm';
import { useCatalogue } from './hooks';
import { CASE_ACTIONS, type CaseAction, type CaseDetail } from './types';

export interface ActionPanelProps {
  detail: CaseDetail;
  /** The case as an action left it. */
  onChanged: (updated: CaseDetail) => void;
  /** Read the case again (someone else acted on it). */
  onReload: () => void;
}

/** Exactly the actions the server allows this user now (`allowedActions`), each opening its form. */
export function ActionPanel({ detail, onChanged, onReload }: ActionPanelProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const { categories, departments } = useCatalogue();
  const [chosen, setChosen] = useState<CaseAction | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  // Where the keyboard goes when a form closes: back to its button when cancelled, to the panel's
  // heading (the next step's buttons follow it) when done; never lost on the page's body.
  const heading = useRef<HTMLHeadingElement>(null);
  const buttons = useRef<HTMLDivElement>(null);
  const [returnTo, setReturnTo] = useState<{ to: 'heading' } | { to: 'button'; action: CaseAction } | null>(null);
  useEffect(() => {
    if (!returnTo) return;
    const target = returnTo.to === 'button' ? buttons.current?.querySelector<HTMLElement>(`[data-action="${returnTo.action}"]`) : null;
    (target ?? heading.current)?.focus();
    setReturnTo(null);
  }, [returnTo]);
  // The next step of the loop first, refusals and endings last (CASE_ACTIONS order).
  const actions = CASE_ACTIONS.filter((a) => a !== 'rate' && detail.allowedActions.includes(a));

  const conflicted = (err: ApiError) => {
    setChosen(null);
    setConflict(t(err.code === 'action_not_allowed' ? 'cases.conflict.notAllowed' : 'cases.conflict.version'));
    onReload();
  };

  return (
    <section className="action-panel" aria-labelledby={`actions-${detail.id}`}>
      <h2 id={`actions-${detail.id}`} ref={heading} tabIndex={-1}>{t('cases.actions')}</h2>
      {conflict && <Alert kind="info">{conflict}</Alert>}
      {actions.length === 0 ? (
        <p className="muted">{t('cases.noActions')}</p>
      ) : (
        <div className="action-buttons" role="group" aria-label={t('cases.actions')} ref={buttons}>
          {actions.map((a) => (
            <Button key={a} variant={ACTION_FORMS[a].tone === 'primary' ? 'primary' : ACTION_FORMS[a].tone === 'danger' ? 'danger' : 'secondary'}
              aria-expanded={chosen === a} onClick={() => { setConflict(null); setChosen(chosen === a ? null : a); }} data-action={a}>
              {t(`cases.action.${a}`)}
            </Button>
          ))}
        </div>
      )}
      {chosen && (
        <ActionForm key={`${chosen}-${detail.version}`} detail={detail} action={chosen} categories={categories} departments={departments}
          onCancel={() => { setReturnTo({ to: 'button', action: chosen }); setChosen(null); }} onConflict={conflicted}
          onDone={(updated) => {
            setChosen(null);
            setReturnTo({ to: 'heading' });
            toast.show('success', t('cases.done', { action: t(`cases.action.${chosen}`), ticketNo: detail.ticketNo, status: t(`status.${updated.status}`) }));
            onChanged(updated);
          }} />
      )}
    </section>
  );
}
