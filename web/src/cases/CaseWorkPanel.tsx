import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Alert, Button, Spinner, StatusBadge, useErrorMessage } from '../ui';
import { ActionPanel } from './ActionPanel';
import { CaseFacts, CaseFlags } from './CaseFacts';
import { PhotoGallery } from './PhotoGallery';
import { useCase } from './useCase';
import type { CaseDetail } from './types';

export interface CaseWorkPanelProps {
  caseId: number;
  /** An action changed the case: the queue reads its list again. */
  onChanged: (updated: CaseDetail) => void;
  onClose: () => void;
  /** Show the photos (the department's and the grid worker's queues work from them). */
  withPhotos?: boolean;
}

/** Why a returned case is back: who handed it back and what they said, read before dispatching again. */
function HandedBack({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  if (c.status !== 'returned') return null;
  const back = c.timeline.findLast((e) => e.action === 'return' || e.action === 'transfer');
  if (!back) return null;
  return <Alert kind="info">{t(`cases.handedBack.${back.action === 'transfer' ? 'transfer' : 'return'}`, { actor: back.actor, note: back.note ?? '—' })}</Alert>;
}

/** A case worked on beside its queue: the facts needed to decide and the actions allowed now. */
export function CaseWorkPanel({ caseId, onChanged, onClose, withPhotos }: CaseWorkPanelProps) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const { detail: c, error, reload, replace } = useCase(caseId);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'nearest' });
  }, [caseId, c !== undefined]);
  return (
    // Escape puts the panel away (a question asked inside it takes Escape for itself first).
    <section className="work-panel" aria-labelledby={`work-${caseId}`} data-testid="work-panel"
      onKeyDown={(e) => { if (e.key === 'Escape' && !e.defaultPrevented) { e.preventDefault(); onClose(); } }}>
      <div className="work-panel-head">
        <h2 id={`work-${caseId}`} ref={heading} tabIndex={-1}>
          {c ? t('cases.detailHeading', { ticketNo: c.ticketNo }) : t('cases.detailTitle')}
        </h2>
        <Button variant="link" onClick={onClose}>{t('cases.closePanel')}</Button>
      </div>
      {!c && (error ? <Alert>{messageOf(error)}</Alert> : <Spinner />)}
      {c && (
        <>
          <div className="case-badges"><StatusBadge status={c.status} /><CaseFlags c={c} /></div>
          <p className="case-description">{c.description}</p>
          <HandedBack c={c} />
          <CaseFacts c={c} compact />
          {withPhotos && <PhotoGallery caseId={c.id} refreshKey={c.version} />}
          <p><Link to={`/cases/${c.id}`}>{t('cases.openCase')}</Link></p>
          <ActionPanel detail={c} onReload={reload} onChanged={(updated) => { replace(updated); onChanged(updated); }} />
        </>
      )}
    </section>
  );
}
