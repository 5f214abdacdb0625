import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useUser } from '../app/auth';
import { useLoad } from '../cases/hooks';
import { QueueTabs } from '../cases/QueueTabs';
import { useLiveReload } from '../cases/useLiveReload';
import { Alert, Button, ScreenTitle, Spinner, useErrorMessage, useOlderPages } from '../ui';
import { listMessages, type Audience } from './api';
import { MessageList } from './MessageList';
import { lastSeen, markSeen } from './seen';
import './notify.css';

const PAGE = 30;
const AUDIENCES: readonly Audience[] = ['staff', 'reporters'];

/**
 * 消息: the outbox as staff read it. What came to them or their department (new cases, deadline
 * pressure), and what reporters in their jurisdiction were told and whether it reached them:
 * a text message waits here unsent until an SMS gateway is configured (SMS_WEBHOOK_URL).
 */
export default function MessagesScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const asked = params.get('audience') as Audience;
  const audience: Audience = AUDIENCES.includes(asked) ? asked : user.departmentId !== null ? 'staff' : 'reporters';
  // What was new when the screen opened stays marked while it is read.
  const [seenBefore] = useState(() => lastSeen(user.id));
  const [round, setRound] = useState(0);
  useLiveReload(() => setRound((r) => r + 1));
  const first = useLoad((signal) => listMessages({ audience, limit: PAGE }, signal), [audience, round]);
  const older = useOlderPages(first.value?.items, PAGE, (beforeId) => listMessages({ audience, limit: PAGE, beforeId }));
  const { items } = older;

  useEffect(() => {
    const newest = first.value?.items[0]?.id;
    if (audience === 'staff' && newest !== undefined) markSeen(user.id, newest);
  }, [audience, first.value, user.id]);

  return (
    <section className="messages-screen">
      <ScreenTitle>{t('messages.title')}</ScreenTitle>
      <QueueTabs
        tabs={AUDIENCES.map((key) => ({ key, label: t(`messages.audience.${key}`) }))}
        current={audience}
        onChange={(key) => setParams(new URLSearchParams({ audience: key }))}
      />
      <p className="muted">{t(`messages.about.${audience}`)}</p>
      {first.error !== null && <Alert>{messageOf(first.error)}</Alert>}
      {first.loading && !first.value ? <Spinner /> : items.length ? (
        <MessageList items={items} newerThan={audience === 'staff' ? seenBefore : undefined} />
      ) : first.value && <p className="muted">{t(`messages.empty.${audience}`)}</p>}
      {older.error !== null && <Alert>{messageOf(older.error)}</Alert>}
      {older.canGoOn && <Button onClick={older.more} busy={older.loading}>{t('messages.more')}</Button>}
    </section>
  );
}
