import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../i18n/format';
import type { Message } from './api';

/** Messages as the outbox holds them: when, how, whether it went, what it said, and the case it is about. */
export function MessageList({ items, newerThan, linkCases = true }: { items: readonly Message[]; newerThan?: number; linkCases?: boolean }) {
  return (
    <ul className="messages">
      {items.map((m) => <MessageItem key={m.id} m={m} isNew={newerThan !== undefined && m.id > newerThan} linkCase={linkCases} />)}
    </ul>
  );
}

function MessageItem({ m, isNew, linkCase }: { m: Message; isNew: boolean; linkCase: boolean }) {
  const { t } = useTranslation();
  const words = wordsOf(m, t);
  return (
    <li className="message" data-message-id={m.id}>
      <div className="message-head">
        {isNew && <span className="message-new">{t('messages.new')}</span>}
        <strong>{words.subject}</strong>
        <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
      </div>
      <p className="message-body">{words.body}</p>
      <p className="message-meta">
        <span>{t(m.userId === null && m.departmentId === null ? `messages.toReporter.${m.channel}` : 'messages.toStaff')}</span>
        <span className={`message-status status-${m.status}`}>{t(`messages.status.${m.status}`)}</span>
        {linkCase && m.caseId !== null && <Link to={`/cases/${m.caseId}`}>{t('messages.openCase')}</Link>}
      </p>
    </li>
  );
}

/**
 * A message to staff in the reader's language, from its kind and params; a message to a reporter,
 * an older one, or one of a kind this build does not know, as it was sent.
 */
function wordsOf(m: Message, t: TFunction): { subject: string; body: string } {
  if (!m.kind || !m.params) return { subject: m.subject, body: m.body };
  const values = { ticketNo: m.params.ticketNo, note: m.params.note ?? '' };
  return {
    subject: t(`messages.kinds.${m.kind}.subject`, { ...values, defaultValue: m.subject }),
    body: t(`messages.kinds.${m.kind}.body`, { ...values, defaultValue: m.body }).trim(),
  };
}
