import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../i18n/format';
import type { Message } from './api';

/** Messages as the outbox holds them: when, how, whether it went, what it said, and the case it is about. */
export function MessageList({ items, newerThan, linkCases = true }: { items: readonly Message[]; newerThan?: number; linkCases?: boolean }) {
  const { t } = useTranslation();
  return (
    <ul className="messages">
      {items.map((m) => (
        <li key={m.id} className="message" data-message-id={m.id}>
          <div className="message-head">
            {newerThan !== undefined && m.id > newerThan && <span className="message-new">{t('messages.new')}</span>}
            <strong>{m.subject}</strong>
            <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
          </div>
          <p className="message-body">{m.body}</p>
          <p className="message-meta">
            <span>{t(m.userId === null && m.departmentId === null ? `messages.toReporter.${m.channel}` : 'messages.toStaff')}</span>
            <span className={`message-status status-${m.status}`}>{t(`messages.status.${m.status}`)}</span>
            {linkCases && m.caseId !== null && <Link to={`/cases/${m.caseId}`}>{t('messages.openCase')}</Link>}
          </p>
        </li>
      ))}
    </ul>
  );
}
