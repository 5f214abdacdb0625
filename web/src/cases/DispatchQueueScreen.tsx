import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { positiveInt } from '../app/record-id';
import { Alert, Button, ScreenTitle, useErrorMessage } from '../ui';
import { listCases } from './api';
import { BulkActionBar } from './BulkActionBar';
import { BulkResults } from './BulkResults';
import { CasePager } from './CasePager';
import { CaseTable } from './CaseTable';
import { CaseWorkPanel } from './CaseWorkPanel';
import { StaffIntakeForm } from './StaffIntakeForm';
import { useCatalogue, useLoad } from './hooks';
import { QueueTabs } from './QueueTabs';
import { useLiveReload } from './useLiveReload';
import type { BulkAnswer } from './types';
import { useVersions } from './useVersions';
import './cases.css';

/** The dispatcher's parts of the loop: intake to register, registered and returned to dispatch, verified to call back and close. */
const TABS = {
  pending: ['received', 'registered', 'returned'],
  received: ['received'],
  registered: ['registered'],
  returned: ['returned'],
  verified: ['verified'],
} as const;
type Tab = keyof typeof TABS;

/** 派遣队列: register (立案), triage, dispatch, refuse or refer; several cases at once with the bulk bar. */
export default function DispatchQueueScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [params, setParams] = useSearchParams();
  const tab: Tab = (params.get('tab') as Tab) in TABS ? (params.get('tab') as Tab) : 'pending';
  const pageNo = positiveInt(params.get('page')) ?? 1;
  const { categories, departments } = useCatalogue();
  const [round, setRound] = useState(0);
  useLiveReload(() => setRound((r) => r + 1));
  const page = useLoad((signal) => listCases({ status: [...TABS[tab]], page: pageNo, pageSize: 30 }, signal), [tab, pageNo, round]);
  const [open, setOpen] = useState<number | null>(null);
  const [calling, setCalling] = useState(false);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const { versions, forget } = useVersions(selected);
  const [bulk, setBulk] = useState<{ answer: BulkAnswer; tickets: Map<number, string> } | null>(null);
  const rows = page.value?.items ?? [];
  const chosen = rows.filter((r) => selected.has(r.id));
  const go = (next: Record<string, string>) => { setParams(next); setSelected(new Set()); setBulk(null); };

  return (
    <section className="queue">
      <ScreenTitle>{t('cases.dispatchQueueTitle')}</ScreenTitle>
      <Button variant="primary" className="wide-button" aria-expanded={calling} title={t('cases.hotline.openHint')} onClick={() => setCalling(!calling)}>{t('cases.hotline.open')}</Button>
      {calling && <StaffIntakeForm channel="hotline" categories={categories} onReported={() => setRound((r) => r + 1)} />}
      <QueueTabs tabs={(Object.keys(TABS) as Tab[]).map((key) => ({ key, label: t(`cases.tab.${key}`) }))} current={tab} onChange={(key) => go({ tab: key })} />
      {page.error !== null && <Alert>{messageOf(page.error)}</Alert>}
      <div className={open ? 'queue-columns with-panel' : 'queue-columns'}>
        <div className="queue-list">
          {bulk && <BulkResults answer={bulk.answer} tickets={bulk.tickets} onDismiss={() => setBulk(null)} />}
          <CaseTable caption={t(`cases.tab.${tab}`)} rows={rows} categories={categories} busy={page.loading} empty={page.loading ? t('ui.loading') : t('cases.queueEmpty')}
            selection={{ selected, onChange: setSelected }} onOpen={(r) => setOpen(r.id)} openId={open} />
          {page.value && <CasePager page={page.value} onPage={(n) => go({ tab, page: String(n) })} />}
          {chosen.length > 0 && (
            <BulkActionBar selected={chosen} versions={versions} categories={categories} departments={departments}
              onDone={(answer, tickets) => {
                setBulk({ answer, tickets });
                const done = answer.results.filter((r) => r.ok).map((r) => r.id);
                forget(answer.results.map((r) => r.id));
                setSelected(new Set([...selected].filter((id) => !done.includes(id))));
                setRound((r) => r + 1);
              }} />
          )}
        </div>
        {open !== null && (
          <CaseWorkPanel caseId={open} onClose={() => setOpen(null)} onChanged={() => { forget([open]); setRound((r) => r + 1); }} />
        )}
      </div>
    </section>
  );
}
