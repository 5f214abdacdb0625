import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError, importProblems } from '../api/client';
import type { Department } from '../cases/types';
import { formatNumber } from '../i18n/format';
import { Alert, Button, RejectedRows, saveFile, Table, useSubmit, type Column } from '../ui';
import {
  ACCOUNT_IMPORT_MAX_ROWS, checkAccountImport, importAccounts, initialPasswordsCsv,
  type AccountImportResult, type ImportedAccount, type ProposedAccount,
} from './api';

/** Where the import stands: a file checked (what it would make), or imported (the accounts with their passwords). */
type Stage =
  | { step: 'choose' }
  | { step: 'checked'; file: File; accounts: ProposedAccount[] }
  | { step: 'done'; result: AccountImportResult };

/**
 * 导入账号: an administrator's file of staff accounts, checked first (the accounts it would make,
 * or every rejected row with its problems, each naming its column), then imported all at once.
 * The first passwords are shown this once, to download as CSV: the server keeps only their hashes.
 */
export function AccountImport({ departments, onImported, onClose }: { departments: readonly Department[]; onImported: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const { saving, error, submit, clearError } = useSubmit();
  const fileId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [stage, setStage] = useState<Stage>({ step: 'choose' });
  const [missing, setMissing] = useState(false);
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));
  const problems = importProblems(error);
  // A rejected file's report is listed below; the field names only a file that could not be read.
  const fileError = missing ? t('accounts.import.chooseFile') : problems ? undefined : fieldError(error, 'file');

  const check = (e: FormEvent) => {
    e.preventDefault();
    const file = input.current?.files?.[0];
    setMissing(!file);
    if (!file) {
      input.current?.focus();
      return;
    }
    void submit(() => checkAccountImport(file), (checked) => t('accounts.import.checked', { count: checked.accounts.length }),
      (checked) => setStage({ step: 'checked', file, accounts: checked.accounts }));
  };
  const importFile = (file: File) => {
    void submit(() => importAccounts(file), (result) => t('accounts.import.imported', { count: result.created }), (result) => {
      setStage({ step: 'done', result });
      onImported();
    });
  };
  // Another file, or the same one changed: it is checked afresh.
  const chosen = () => {
    clearError();
    setMissing(false);
    setStage({ step: 'choose' });
  };
  const download = (accounts: readonly ImportedAccount[]) => {
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '');
    saveFile(new Blob([initialPasswordsCsv(accounts)], { type: 'text/csv;charset=utf-8' }), `${t('accounts.import.fileName')}-${stamp}.csv`);
  };

  const proposed: Column<ProposedAccount>[] = [
    { key: 'row', header: t('accounts.import.row'), render: (a) => a.row, align: 'end' },
    { key: 'username', header: t('accounts.username'), render: (a) => a.username },
    { key: 'name', header: t('accounts.displayName'), render: (a) => a.displayName },
    { key: 'role', header: t('accounts.role'), render: (a) => t(`role.${a.role}`) },
    { key: 'area', header: t('accounts.jurisdiction'), render: (a) => a.jurisdiction?.name ?? t('accounts.everywhere') },
    { key: 'department', header: t('accounts.department'), render: (a) => (a.departmentId ? departmentName.get(a.departmentId) ?? a.departmentId : '—'), wideOnly: true },
  ];
  const made: Column<ImportedAccount>[] = [
    { key: 'username', header: t('accounts.username'), render: (a) => a.username },
    { key: 'name', header: t('accounts.displayName'), render: (a) => a.displayName },
    { key: 'role', header: t('accounts.role'), render: (a) => t(`role.${a.role}`) },
    { key: 'password', header: t('accounts.import.initialPassword'), render: (a) => <code className="initial-password">{a.initialPassword}</code> },
  ];

  if (stage.step === 'done') {
    return (
      <section className="user-form account-import" aria-labelledby={`${fileId}-title`}>
        <h2 id={`${fileId}-title`}>{t('accounts.import.title')}</h2>
        <Alert kind="info">{t('accounts.import.passwordsOnce')}</Alert>
        <Table caption={t('accounts.import.passwordsCaption')} columns={made} rows={stage.result.accounts} rowKey={(a) => a.id} />
        <div className="form-actions">
          <Button variant="primary" onClick={() => download(stage.result.accounts)}>{t('accounts.import.download')}</Button>
          <Button onClick={onClose}>{t('accounts.import.close')}</Button>
        </div>
      </section>
    );
  }

  return (
    <section className="user-form account-import" aria-labelledby={`${fileId}-title`}>
      <form onSubmit={check} noValidate aria-labelledby={`${fileId}-title`}>
        <h2 id={`${fileId}-title`}>{t('accounts.import.title')}</h2>
        <p className="field-hint">{t('accounts.import.hint', { max: formatNumber(ACCOUNT_IMPORT_MAX_ROWS) })}</p>
        <div className={['field', fileError ? 'field-invalid' : ''].join(' ')}>
          <label htmlFor={fileId}>{t('accounts.import.file')}</label>
          <input ref={input} id={fileId} name="file" type="file" disabled={saving} onChange={chosen}
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-invalid={fileError ? true : undefined} aria-describedby={fileError ? `${fileId}-error` : undefined} />
          {fileError && <p className="field-error" id={`${fileId}-error`}>{fileError}</p>}
        </div>
        <div className="form-actions">
          <Button type="submit" busy={saving && stage.step === 'choose'} disabled={saving}>{t('accounts.import.check')}</Button>
          {stage.step === 'checked' && (
            <Button variant="primary" busy={saving} onClick={() => importFile(stage.file)}>
              {t('accounts.import.submit', { count: stage.accounts.length })}
            </Button>
          )}
          <Button onClick={onClose} disabled={saving}>{t('cases.cancel')}</Button>
        </div>
      </form>
      {problems && (
        <>
          <Alert>{t('accounts.import.rejected', { count: problems.length })}</Alert>
          <RejectedRows problems={problems} caption={t('accounts.import.problemsCaption')} />
        </>
      )}
      {stage.step === 'checked' && !problems && (
        <Table caption={t('accounts.import.previewCaption')} columns={proposed} rows={stage.accounts} rowKey={(a) => a.row} />
      )}
    </section>
  );
}
