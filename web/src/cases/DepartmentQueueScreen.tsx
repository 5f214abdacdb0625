import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { positiveInt } from '../app/record-id';
import { useUser } from '../app/auth';
import { Alert, ScreenTitle, useErrorMessage } from '../ui';
import { listCases } from './api';
import { CasePager } from './CasePager';
import { CaseTable } from './CaseTable';
import { CaseWorkPanel } from './CaseWorkPanel';
import { useCatalogue, useLoad } from './hooks';
import { QueueTabs } from './QueueTabs';
import { useLiveReload } from './useLiveReload';
import { OPEN_STATUSES } from './types';
import './cases.css';

/** The department's parts of the loop: accept or return what was dispatched, handle it and report back. */
const TABS = {
  inbox: ['dispatched'],
  handling: ['in_progress'],
  reported: ['reported'],
  open: OPEN_STATUSES,
} as const;
type Tab = keyof typeof TABS;

/** 部门待办: accept (签收), return (退回), transfer (转办), report back with photos (办结反馈). */
export default function DepartmentQueueScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const tab: Tab = (params.get('tab') as Tab) in TABS ? (params.get('tab') as Tab) : 'inbox';
  const pageNo = positiveInt(params.get('page')) ?? 1;
  const { categories } = useCatalogue();
  const [round, setRound] = useState(0);
  useLiveReload(() => setRound((r) => r + 1));
  const [open, setOpen] = useState<number | null>(null);
  const page = useLoad(
    (signal) => (user.departmentId === null ? Promise.resolve(null) : listCases({ departmentId: user.departmentId, status: [...TABS[tab]], page: pageNo, pageSize: 30 }, signal)),
    [tab, pageNo, round, user.departmentId],
  );
  return (
    <section className="queue">
      <ScreenTitle>{t('cases.departmentQueueTitle')}</ScreenTitle>
      {user.departmentId === null && <Alert kind="info">{t('cases.noDepartment')}</Alert>}
      <QueueTabs tabs={(Object.keys(TABS) as Tab[]).map((key) => ({ key, label: t(`cases.tab.${key}`) }))} current={tab} onChange={(key) => setParams({ tab: key })} />
      {page.error !== null && <Alert>{messageOf(page.error)}</Alert>}
      <div className={open ? 'queue-columns with-panel' : 'queue-columns'}>
        <div className="queue-list">
          <CaseTable caption={t(`cases.tab.${tab}`)} rows={page.value?.items ?? []} categories={categories} busy={page.loading}
            empty={page.loading ? t('ui.loading') : t('cases.queueEmpty')} onOpen={(r) => setOpen(r.id)} openId={open} />
          {page.value && <CasePager page={page.value} onPage={(n) => setParams({ tab, page: String(n) })} />}
        </div>
        {open !== null && <CaseWorkPanel caseId={open} withPhotos onClose={() => setOpen(null)} onChanged={() => setRound((r) => r + 1)} />}
      </div>
    </section>
  );
}
