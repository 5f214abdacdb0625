import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../i18n/format';
import { Button } from '../ui';
import { useCategoryName } from './hooks';
import { eventLabel } from './labels';
import type { CaseDetail } from './types';

type PrintKind = 'sheet' | 'supervision';

/** Supervised (督办) or escalated cases print a supervision order as well as the case sheet. */
export function isSupervised(c: CaseDetail): boolean {
  return c.escalationLevel > 0 || c.timeline.some((e) => e.action === 'supervise' || e.action === 'escalate');
}

function Row({ label, value }: { label: string; value: string }) {
  return <tr><th scope="row">{label}</th><td>{value}</td></tr>;
}

/** 案件处置单: the case on one sheet, its history and places to sign. */
function CaseSheet({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  const lead = c.departments.filter((d) => d.role === 'lead').map((d) => d.name).join('、');
  return (
    <article className="print-sheet" aria-label={t('cases.print.sheetTitle')}>
      <h1>{t('cases.print.sheetTitle')}</h1>
      <p className="print-meta">{t('cases.print.ticket', { ticketNo: c.ticketNo })} · {t('cases.print.printedAt', { at: formatDateTime(new Date()) })}</p>
      <table className="print-table">
        <tbody>
          <Row label={t('cases.field.status')} value={t(`status.${c.status}`)} />
          <Row label={t('cases.field.category')} value={c.category ? categoryName(c.category) : t('cases.uncategorised')} />
          <Row label={t('cases.field.requestType')} value={`${t(`cases.requestType.${c.requestType}`)} · ${t(`cases.channel.${c.channel}`)} · ${t(`cases.urgency.${c.urgency}`)}`} />
          <Row label={t('cases.field.address')} value={c.address ?? '—'} />
          <Row label={t('cases.field.area')} value={c.adminUnits.map((u) => u.name).join(' / ')} />
          <Row label={t('cases.field.leadDepartment')} value={lead || t('cases.notDispatched')} />
          <Row label={t('cases.field.receivedAt')} value={formatDateTime(c.createdAt)} />
          <Row label={t('cases.field.dueAt')} value={c.dueAt ? formatDateTime(c.dueAt) : t('cases.noLimit')} />
          <Row label={t('cases.field.description')} value={c.description} />
        </tbody>
      </table>
      <h2>{t('cases.timelineTitle')}</h2>
      <table className="print-table print-history">
        <thead><tr><th>{t('cases.print.when')}</th><th>{t('cases.print.step')}</th><th>{t('cases.print.who')}</th><th>{t('cases.field.note')}</th></tr></thead>
        <tbody>
          {c.timeline.map((e, i) => (
            <tr key={i}><td>{formatDateTime(e.at)}</td><td>{eventLabel(t, e.action)}</td><td>{e.actor ?? ''}</td><td>{e.note ?? ''}</td></tr>
          ))}
        </tbody>
      </table>
      <p className="print-sign">{t('cases.print.signHandler')}　　　　　　　{t('cases.print.signDate')}</p>
    </article>
  );
}

/** 督办单: to the lead department, why the case is supervised and by when it must be done. */
function SupervisionOrder({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  const steps = c.timeline.filter((e) => e.action === 'supervise' || e.action === 'escalate');
  const last = steps.at(-1);
  const lead = c.departments.filter((d) => d.role === 'lead').map((d) => d.name).join('、');
  return (
    <article className="print-sheet" aria-label={t('cases.print.supervisionTitle')}>
      <h1>{t('cases.print.supervisionTitle')}</h1>
      <p className="print-meta">{t('cases.print.orderNo', { no: `DB-${c.ticketNo}-${steps.length || 1}` })} · {t('cases.print.printedAt', { at: formatDateTime(new Date()) })}</p>
      {lead && <p className="print-addressee">{t('cases.print.addressee', { department: lead })}</p>}
      <table className="print-table">
        <tbody>
          <Row label={t('cases.print.ticketLabel')} value={c.ticketNo} />
          <Row label={t('cases.field.category')} value={c.category ? categoryName(c.category) : t('cases.uncategorised')} />
          <Row label={t('cases.field.address')} value={c.address ?? c.adminUnits.map((u) => u.name).join(' / ')} />
          <Row label={t('cases.field.receivedAt')} value={formatDateTime(c.createdAt)} />
          <Row label={t('cases.field.dueAt')} value={c.dueAt ? formatDateTime(c.dueAt) : t('cases.noLimit')} />
          <Row label={t('cases.print.level')} value={c.escalationLevel > 0
            ? t('cases.print.levelValue', { level: c.escalationLevel, unit: c.escalatedTo?.name ?? '—' })
            : t('cases.print.supervisedTimes', { count: steps.filter((e) => e.action === 'supervise').length })} />
          <Row label={t('cases.field.description')} value={c.description} />
        </tbody>
      </table>
      <h2>{t('cases.print.reasons')}</h2>
      <ol className="print-reasons">
        {steps.map((e, i) => (
          <li key={i}>{formatDateTime(e.at)} · {eventLabel(t, e.action)}{e.actor ? ` · ${e.actor}` : ''}{e.note ? `：${e.note}` : ''}</li>
        ))}
      </ol>
      <h2>{t('cases.print.demands')}</h2>
      <p>{c.overdue ? t('cases.print.demandNow') : c.dueAt ? t('cases.print.demandBy', { dueAt: formatDateTime(c.dueAt) }) : t('cases.print.demandSoon')}</p>
      <p className="print-sign">{t('cases.print.issuedBy', { who: last?.actor ?? '', at: last ? formatDateTime(last.at) : '' })}</p>
      <p className="print-sign">{t('cases.print.signReceived')}　　　　　　　{t('cases.print.signDate')}</p>
    </article>
  );
}

/** The print buttons, and the sheet they print (hidden on screen; alone on paper, by @media print). */
export function CasePrint({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<PrintKind | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (kind) window.print();
  }, [kind, round]);
  const print = (k: PrintKind) => { setKind(k); setRound((r) => r + 1); };
  return (
    <div className="print-buttons">
      <Button onClick={() => print('sheet')}>{t('cases.print.sheet')}</Button>
      {isSupervised(c) && <Button onClick={() => print('supervision')}>{t('cases.print.supervision')}</Button>}
      {kind && createPortal(
        <div className="print-doc" data-print={kind}>{kind === 'sheet' ? <CaseSheet c={c} /> : <SupervisionOrder c={c} />}</div>,
        document.body,
      )}
    </div>
  );
}
