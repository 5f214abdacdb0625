import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatRelative } from '../i18n/format';
import { useCategoryName } from './hooks';
import { ReporterContact } from './ReporterContact';
import type { CaseDetail, CaseSummary } from './types';

/** Deadline pressure and escalation as words (not colour alone): 已超期, 即将到期, 已升级. */
export function CaseFlags({ c }: { c: Pick<CaseSummary, 'overdue' | 'urgency'> & Partial<Pick<CaseDetail, 'warningLevel' | 'escalationLevel'>> }) {
  const { t } = useTranslation();
  const flags: { key: string; text: string }[] = [];
  if (c.overdue) flags.push({ key: 'overdue', text: t('cases.flag.overdue') });
  else if (c.warningLevel === 1) flags.push({ key: 'due-soon', text: t('cases.flag.dueSoon') });
  if (c.urgency !== 'routine') flags.push({ key: c.urgency, text: t(`cases.urgency.${c.urgency}`) });
  if (c.escalationLevel) flags.push({ key: 'escalated', text: t('cases.flag.escalated', { level: c.escalationLevel }) });
  return <>{flags.map((f) => <span key={f.key} className={`flag flag-${f.key}`}>{f.text}</span>)}</>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return <div className="fact"><dt>{label}</dt><dd>{children}</dd></div>;
}

/** What the case is, where, who has it and by when; `compact` leaves out the history dates (queues). */
export function CaseFacts({ c, compact }: { c: CaseDetail; compact?: boolean }) {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  const lead = c.departments.filter((d) => d.role === 'lead');
  const support = c.departments.filter((d) => d.role === 'support');
  return (
    <dl className="facts">
      <Fact label={t('cases.field.category')}>{c.category ? categoryName(c.category) : t('cases.uncategorised')}</Fact>
      <Fact label={t('cases.field.triage')}>{c.triage ? t(`cases.triage.${c.triage}`) : '—'}</Fact>
      <Fact label={t('cases.field.requestType')}>{t(`cases.requestType.${c.requestType}`)} · {t(`cases.channel.${c.channel}`)}</Fact>
      <Fact label={t('cases.field.address')}>{c.address ?? '—'}</Fact>
      <Fact label={t('cases.field.area')}>{c.adminUnits.map((u) => u.name).join(' / ') || '—'}</Fact>
      <Fact label={t('cases.field.leadDepartment')}>{lead.map((d) => d.name).join('、') || t('cases.notDispatched')}</Fact>
      {support.length > 0 && <Fact label={t('cases.field.supportDepartments')}>{support.map((d) => d.name).join('、')}</Fact>}
      <Fact label={t('cases.field.dueAt')}>
        {c.dueAt ? <><time dateTime={c.dueAt}>{formatDateTime(c.dueAt)}</time> <span className="muted">({formatRelative(c.dueAt)})</span></> : t('cases.noLimit')}
      </Fact>
      <Fact label={t('cases.field.reporter')}><ReporterContact c={c} /></Fact>
      {(c.channel === 'citizen_app' || c.channel === 'open311') && (
        <Fact label={t('cases.field.shownPublicly')}>{t(c.shownPublicly ? 'cases.shownPublicly.yes' : 'cases.shownPublicly.no')}</Fact>
      )}
      {!compact && <Fact label={t('cases.field.receivedAt')}><time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time></Fact>}
      {!compact && c.registeredAt && <Fact label={t('cases.field.registeredAt')}>{formatDateTime(c.registeredAt)}</Fact>}
      {!compact && c.dispatchedAt && <Fact label={t('cases.field.dispatchedAt')}>{formatDateTime(c.dispatchedAt)}</Fact>}
      {!compact && c.closedAt && <Fact label={t('cases.field.closedAt')}>{formatDateTime(c.closedAt)}</Fact>}
      {c.satisfaction !== null && <Fact label={t('cases.field.satisfaction')}>{t(`cases.satisfaction.${c.satisfaction as 1 | 2 | 3 | 4 | 5}`)} ({c.satisfaction}/5)</Fact>}
      {!compact && (c.reopenCount > 0 || c.extensionCount > 0) && (
        <Fact label={t('cases.field.rework')}>{t('cases.reworkCounts', { reopened: c.reopenCount, extended: c.extensionCount })}</Fact>
      )}
      {c.escalatedTo && <Fact label={t('cases.field.escalatedTo')}>{c.escalatedTo.name}</Fact>}
    </dl>
  );
}
