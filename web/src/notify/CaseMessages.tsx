import { useTranslation } from 'react-i18next';
import { useLoad } from '../cases/hooks';
import { Alert, Spinner, useErrorMessage } from '../ui';
import { listMessages } from './api';
import { MessageList } from './MessageList';
import './notify.css';

/** What the case's reporter and departments were told, and whether it reached them: for the callback (回访). */
export function CaseMessages({ caseId, refreshKey }: { caseId: number; refreshKey: unknown }) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const messages = useLoad((signal) => listMessages({ caseId, limit: 50 }, signal), [caseId, refreshKey]);
  if (messages.error !== null) return <Alert>{messageOf(messages.error)}</Alert>;
  if (!messages.value) return <Spinner />;
  if (messages.value.items.length === 0) return <p className="muted">{t('messages.noneForCase')}</p>;
  return <MessageList items={messages.value.items} linkCases={false} />;
}
