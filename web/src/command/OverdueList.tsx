import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatRelative } from '../i18n/format';
import { StatusBadge } from '../ui';
import type { CaseRowPage } from './api';

/** The newest overdue cases, each a link to its page: with the tiles, the map's text alternative. */
export function OverdueList({ overdue }: { overdue: CaseRowPage }) {
  const { t } = useTranslation();
  return (
    <section className="panel overdue" aria-labelledby="overdue-title">
      <h2 id="overdue-title">{t('command.overdueTitle')}</h2>
      {overdue.items.length === 0 ? <p className="muted">{t('command.overdueEmpty')}</p> : (
        <ul className="case-lines">
          {overdue.items.map((c) => (
            <li key={c.id}>
              <Link to={`/cases/${c.id}`}>{c.ticketNo}</Link> <StatusBadge status={c.status} />
              <span className="case-line-detail">
                {c.address ?? c.categoryCode ?? ''}
                {c.dueAt && <> · {t('command.overdueSince', { when: formatRelative(c.dueAt) })}</>}
              </span>
            </li>
          ))}
        </ul>
      )}
      {overdue.total > overdue.items.length && <p><Link to="/cases?overdue=true">{t('command.overdueAll', { count: overdue.total })}</Link></p>}
    </section>
  );
}
