import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useAddressParams } from '../app/address';
import { useLoad } from '../cases/hooks';
import { formatDateTime } from '../i18n/format';
import { Alert, Button, ScreenTitle, Table, useErrorMessage, useOlderPages, type Column } from '../ui';
import { AuditFilters } from './AuditFilters';
import { listAudit, type AuditEntry, type AuditQuery } from './api';
import { actionLabel } from './labels';
import './audit.css';

const PAGE = 50;
const FILTERS = ['action', 'actor', 'targetType', 'targetId', 'from', 'to'] as const;

/**
 * 审计日志: every write, sign-in and reading of personal data in the caller's jurisdiction, newest
 * first, as the append-only, hash-chained trail keeps it (`shiyu audit verify` checks the chain).
 * An auditor narrows it to a kind of action, a person, one record or some days, and opens a row
 * to see what it changed.
 */
export default function AuditScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [params, updateAddress] = useAddressParams();
  const query: Omit<AuditQuery, 'limit'> = Object.fromEntries(FILTERS.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])));
  const key = JSON.stringify(query);
  const first = useLoad((signal) => listAudit({ ...query, limit: PAGE }, signal), [key]);
  const older = useOlderPages(first.value?.items, PAGE, (beforeId) => listAudit({ ...query, limit: PAGE, beforeId }));

  const columns: Column<AuditEntry>[] = [
    { key: 'at', header: t('audit.column.at'), render: (r) => <time dateTime={r.at}>{formatDateTime(r.at, { seconds: true })}</time> },
    {
      key: 'actor', header: t('audit.column.actor'),
      render: (r) => <>{r.actor.username}{r.actor.role && <span className="muted"> · {t(`role.${r.actor.role}`, { defaultValue: r.actor.role })}</span>}</>,
    },
    { key: 'action', header: t('audit.column.action'), render: (r) => <span title={r.action}>{actionLabel(t, r.action)}</span> },
    { key: 'target', header: t('audit.column.target'), render: (r) => <Target entry={r} /> },
    { key: 'change', header: t('audit.column.change'), render: (r) => <Change entry={r} /> },
    { key: 'ip', header: t('audit.column.ip'), render: (r) => r.ip ?? '—', wideOnly: true },
    { key: 'sealed', header: t('audit.column.sealed'), render: (r) => (r.sealed ? t('audit.sealed') : <span className="muted">{t('audit.unsealed')}</span>), wideOnly: true },
  ];

  return (
    <section className="audit-screen">
      <ScreenTitle>{t('audit.title')}</ScreenTitle>
      <p className="muted">{t('audit.intro')}</p>
      <AuditFilters params={params} onApply={(next) => updateAddress((address) => {
        for (const k of FILTERS) address.delete(k);
        next.forEach((v, k) => address.set(k, v));
      })} />
      {first.error !== null && <Alert>{messageOf(first.error)}</Alert>}
      <Table caption={t('audit.caption')} captionHidden columns={columns} rows={older.items} rowKey={(r) => r.id} busy={first.loading}
        empty={first.loading ? t('ui.loading') : t('audit.none')} />
      {older.error !== null && <Alert>{messageOf(older.error)}</Alert>}
      {older.canGoOn && <Button onClick={older.more} busy={older.loading}>{t('audit.more')}</Button>}
    </section>
  );
}

/** What a row is about, with the way to its record and to everything else done to it. */
function Target({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const { type, id } = entry.target;
  const label = `${t(`audit.target.${type}`, { defaultValue: type })}${id ? ` ${id}` : ''}`;
  return (
    <span className="audit-target">
      {type === 'case' && id ? <Link to={`/cases/${id}`}>{label}</Link> : label}
      {id && (
        <Link className="audit-history" to={`/audit?${new URLSearchParams({ targetType: type, targetId: id })}`} aria-label={t('audit.historyOf', { target: label })}>
          {t('audit.history')}
        </Link>
      )}
    </span>
  );
}

const shown = (value: unknown) => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** What a row changed: each field before and after, or what it recorded when it changed nothing. */
function Change({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const asRecord = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : v === null || v === undefined ? {} : { value: v });
  const before = asRecord(entry.before);
  const after = asRecord(entry.after);
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (fields.length === 0) return <span className="muted">—</span>;
  return (
    <details className="audit-change">
      <summary>{t('audit.fields', { count: fields.length })}</summary>
      <dl>
        {fields.map((f) => (
          <div key={f}>
            <dt>{f}</dt>
            <dd>
              {f in before && <del>{shown(before[f])}</del>}
              {f in before && f in after && ' → '}
              {f in after && <ins>{shown(after[f])}</ins>}
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
