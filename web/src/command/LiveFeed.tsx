import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../i18n/format';
import { StatusBadge } from '../ui';
import type { CaseChange } from './api';
import type { StreamState } from './useCaseStream';

/** The latest changes to cases as they happen (a log region: announced politely, newest first). */
export function LiveFeed({ changes, state }: { changes: CaseChange[]; state: StreamState }) {
  const { t } = useTranslation();
  return (
    <section className="panel live" aria-labelledby="live-title">
      <h2 id="live-title">
        {t('command.live')} <span className={`live-state live-${state}`} data-state={state}>{t(`command.stream.${state}`)}</span>
      </h2>
      <ol className="case-lines" role="log" aria-live="polite" aria-label={t('command.live')}>
        {changes.length === 0 && <li className="muted">{t('command.liveEmpty')}</li>}
        {changes.map((c) => (
          <li key={c.eventId}>
            <time dateTime={c.at}>{formatDateTime(c.at)}</time> <Link to={`/cases/${c.caseId}`}>{c.ticketNo}</Link> <StatusBadge status={c.status} />
          </li>
        ))}
      </ol>
    </section>
  );
}
