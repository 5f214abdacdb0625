import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError, importProblems } from '../api/client';
import type { ImportProblem } from '../api/types';
import { formatNumber, formatPercent } from '../i18n/format';
import { Alert, Button, RejectedRows, Select, useErrorMessage } from '../ui';
import { IMPORT_KINDS, uploadImport, type ImportKind, type ImportResult } from './api';

type Outcome =
  | { state: 'idle' }
  | { state: 'uploading'; fraction: number }
  | { state: 'checking' }
  | { state: 'done'; result: ImportResult }
  | { state: 'rejected'; message: string; problems: ImportProblem[]; features: boolean }
  | { state: 'failed'; message: string; field?: string };

/**
 * Imports admin units, grids or grid members from GeoJSON, CSV or XLSX (admins): the upload's
 * progress, then either what changed or every rejected row with its problems (nothing is
 * imported unless every row passes).
 */
export function ImportPanel({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const fileId = useId();
  const file = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<ImportKind>('grids');
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const busy = outcome.state === 'uploading' || outcome.state === 'checking';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) {
      setOutcome({ state: 'failed', message: t('geo.import.chooseFile'), field: 'file' });
      file.current?.focus();
      return;
    }
    setOutcome({ state: 'uploading', fraction: 0 });
    try {
      const result = await uploadImport(kind, chosen, (fraction) => setOutcome(fraction < 1 ? { state: 'uploading', fraction } : { state: 'checking' }));
      setOutcome({ state: 'done', result });
      onImported();
    } catch (err) {
      const problems = importProblems(err);
      if (problems) setOutcome({ state: 'rejected', message: t('geo.import.rejected', { count: problems.length }), problems, features: /\.(geo)?json$/i.test(chosen.name) });
      else setOutcome({ state: 'failed', message: fieldError(err, 'file') ?? messageOf(err), field: fieldError(err, 'file') ? 'file' : undefined });
    }
  };

  const fraction = outcome.state === 'uploading' ? outcome.fraction : outcome.state === 'idle' || outcome.state === 'failed' ? 0 : 1;
  return (
    <section className="panel import-panel" aria-labelledby="import-title">
      <h2 id="import-title">{t('geo.import.title')}</h2>
      <p className="field-hint">{t('geo.import.hint')}</p>
      <form className="import-form" onSubmit={submit} noValidate>
        <Select
          label={t('geo.import.kind')} value={kind} disabled={busy}
          onChange={(e) => setKind(e.target.value as ImportKind)}
          options={IMPORT_KINDS.map((k) => ({ value: k, label: t(`geo.import.kinds.${k}`) }))}
        />
        <div className={['field', outcome.state === 'failed' && outcome.field === 'file' ? 'field-invalid' : ''].join(' ')}>
          <label htmlFor={fileId}>{t('geo.import.file')}</label>
          <input
            ref={file} id={fileId} name="file" type="file" disabled={busy}
            accept=".geojson,.json,.csv,.xlsx,application/geo+json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-invalid={outcome.state === 'failed' && outcome.field === 'file' ? true : undefined}
          />
        </div>
        <Button type="submit" variant="primary" busy={busy}>{t('geo.import.submit')}</Button>
      </form>
      {outcome.state !== 'idle' && (
        <div className="import-progress">
          <label htmlFor={`${fileId}-progress`}>{t('geo.import.progress')}</label>
          <progress id={`${fileId}-progress`} max={100} value={Math.round(fraction * 100)} aria-valuetext={formatPercent(fraction, 0)} />
          <span aria-live="polite">
            {outcome.state === 'uploading' ? t('geo.import.uploading', { percent: formatPercent(outcome.fraction, 0) })
              : outcome.state === 'checking' ? t('geo.import.checking') : formatPercent(fraction, 0)}
          </span>
        </div>
      )}
      {outcome.state === 'done' && (
        <Alert kind="success">
          {t('geo.import.done', { rows: formatNumber(outcome.result.rows), created: formatNumber(outcome.result.created), updated: formatNumber(outcome.result.updated), removed: formatNumber(outcome.result.removed) })}
        </Alert>
      )}
      {outcome.state === 'failed' && <Alert>{outcome.message}</Alert>}
      {outcome.state === 'rejected' && (
        <>
          <Alert>{outcome.message}</Alert>
          <RejectedRows problems={outcome.problems} features={outcome.features} caption={t('geo.import.problemsCaption')} />
        </>
      )}
    </section>
  );
}
