import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, useErrorMessage } from '../ui';
import { revealReporter } from './api';
import type { CaseDetail, ReporterContact as Whole } from './types';

/**
 * The reporter as the case shows them: masked, with a button for whoever may call them back.
 * The whole number is fetched only on that click, which the server audits; it is forgotten with
 * the case (a new case id starts masked again).
 */
export function ReporterContact({ c }: { c: Pick<CaseDetail, 'id' | 'confidential' | 'reporter'> }) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [whole, setWhole] = useState<{ caseId: number; contact: Whole } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (c.confidential) return <>{t('cases.reporter.confidential')}</>;
  const revealed = whole?.caseId === c.id ? whole.contact : null;
  const shown = revealed ?? c.reporter;
  // A whole number can be dialled from a phone; a masked one cannot.
  const parts = [shown.name, shown.phone && (revealed ? <a href={`tel:${shown.phone}`}>{shown.phone}</a> : shown.phone), shown.email].filter(Boolean);
  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      setWhole({ caseId: c.id, contact: await revealReporter(c.id) });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  if (parts.length === 0) return <>{t('cases.reporter.none')}</>;
  return (
    <span className="reporter-contact">
      {parts.map((part, i) => <Fragment key={i}>{i > 0 && ' · '}{part}</Fragment>)}
      {c.reporter.revealable && !revealed && (
        <Button variant="link" busy={busy} onClick={reveal} title={t('cases.reporter.revealHint')}>{t('cases.reporter.reveal')}</Button>
      )}
      {error && <span className="field-error" role="alert">{error}</span>}
    </span>
  );
}
