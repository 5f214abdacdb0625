import { useTranslation } from 'react-i18next';
import type { CaseStatus } from '../api/types';

/** How a status reads at a glance: waiting on someone, being worked, done, or ended outside the loop. */
const TONE: Record<CaseStatus, 'new' | 'active' | 'waiting' | 'done' | 'ended'> = {
  received: 'new',
  registered: 'new',
  dispatched: 'active',
  in_progress: 'active',
  returned: 'waiting',
  deferred: 'waiting',
  hung: 'waiting',
  reported: 'active',
  verified: 'active',
  closed: 'done',
  rejected: 'ended',
  void: 'ended',
  merged: 'ended',
  referred: 'ended',
};

/** A case status as a labelled badge (text, not colour alone, carries the meaning). */
export function StatusBadge({ status }: { status: CaseStatus }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${TONE[status] ?? 'ended'}`} data-status={status}>{t(`status.${status}`)}</span>;
}
