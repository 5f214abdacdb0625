import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../i18n/format';
import { StatusBadge } from '../ui';
import { CaseFlags } from './CaseFacts';
import { useCategoryName } from './hooks';
import type { CaseSummary, Category } from './types';

/** A case as a card, for phones: ticket, state, category, place and deadline, and what to do with it. */
export function CaseCard({ c, category, children }: { c: CaseSummary; category: Category | undefined; children?: ReactNode }) {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  return (
    <li className="case-card" data-ticket={c.ticketNo}>
      <div className="case-card-head">
        <Link to={`/cases/${c.id}`} className="ticket">{c.ticketNo}</Link>
        <StatusBadge status={c.status} />
        <CaseFlags c={c} />
      </div>
      <p className="case-card-category">{category ? categoryName(category) : t('cases.uncategorised')}</p>
      <p className="clamp">{c.description}</p>
      {c.address && <p className="muted">{c.address}</p>}
      {c.dueAt && <p className="muted">{t('cases.dueBy', { at: formatDateTime(c.dueAt) })}</p>}
      {children}
    </li>
  );
}
