import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, ScreenTitle, Spinner, useErrorMessage } from '../ui';
import { listCases } from './api';
import { CaseCard } from './CaseCard';
import { CaseWorkPanel } from './CaseWorkPanel';
import { useCatalogue, useLoad } from './hooks';
import { StaffIntakeForm } from './StaffIntakeForm';
import { useLiveReload } from './useLiveReload';
import { useMyGrids } from './useMyGrids';
import { OPEN_STATUSES, type CaseSummary } from './types';
import './cases.css';

/** 网格待办, on the phone: report what the patrol finds, verify on site what departments reported done, follow the grid's cases. */
export default function GridQueueScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const { categories } = useCatalogue();
  const { grids, outline, ready } = useMyGrids();
  const [reporting, setReporting] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const [round, setRound] = useState(0);
  useLiveReload(() => setRound((r) => r + 1));
  const gridKey = grids.map((g) => g.id).join(',');
  // Her grids' open cases, asked grid by grid: a worker walks one or a few grids.
  const cases = useLoad(async (signal) => {
    const pages = await Promise.all(grids.map((g) => listCases({ status: [...OPEN_STATUSES], gridId: g.id, pageSize: 200 }, signal)));
    return pages.flatMap((p) => p.items);
  }, [gridKey, round]);
  const mine = useMemo(() => [...(cases.value ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [cases.value]);
  const toVerify = mine.filter((c) => c.status === 'reported');
  const others = mine.filter((c) => c.status !== 'reported');
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const card = (c: CaseSummary, verify: boolean) => (
    <CaseCard key={c.id} c={c} category={c.categoryCode ? byCode.get(c.categoryCode) : undefined}>
      {verify && (
        <Button variant={open === c.id ? 'secondary' : 'primary'} aria-expanded={open === c.id} onClick={() => setOpen(open === c.id ? null : c.id)}>
          {t('cases.grid.verify', { ticketNo: c.ticketNo })}
        </Button>
      )}
      {open === c.id && <CaseWorkPanel caseId={c.id} withPhotos onClose={() => setOpen(null)} onChanged={() => setRound((r) => r + 1)} />}
    </CaseCard>
  );

  return (
    <section className="grid-queue">
      <ScreenTitle>{t('cases.gridQueueTitle')}</ScreenTitle>
      <p className="muted">{grids.length ? t('cases.grid.mine', { grids: grids.map((g) => g.properties.name).join('、') }) : ready ? t('cases.grid.none') : ''}</p>
      <Button variant="primary" className="wide-button" aria-expanded={reporting} onClick={() => setReporting(!reporting)}>{t('cases.grid.report')}</Button>
      {reporting && <StaffIntakeForm categories={categories} outline={outline} onReported={() => setRound((r) => r + 1)} />}
      {cases.error !== null && <Alert>{messageOf(cases.error)}</Alert>}
      <section aria-labelledby="to-verify">
        <h2 id="to-verify">{t('cases.grid.toVerify', { count: toVerify.length })}</h2>
        {!ready || (cases.loading && !cases.value) ? <Spinner /> : toVerify.length ? <ul className="case-cards">{toVerify.map((c) => card(c, true))}</ul> : <p className="muted">{t('cases.grid.nothingToVerify')}</p>}
      </section>
      <section aria-labelledby="grid-open">
        <h2 id="grid-open">{t('cases.grid.open', { count: others.length })}</h2>
        {others.length ? <ul className="case-cards">{others.map((c) => card(c, false))}</ul> : ready && cases.value && <p className="muted">{t('cases.queueEmpty')}</p>}
      </section>
    </section>
  );
}
