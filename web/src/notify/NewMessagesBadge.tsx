import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useUser } from '../app/auth';
import { listMessages } from './api';
import { lastSeen, onSeen } from './seen';

const LOOK = 50;
const EVERY_MS = 60_000;

/**
 * The ids of the newest messages to the signed-in user or their department, asked every minute
 * while any badge shows: the nav link and, on a phone, the menu button share one poll. The last
 * badge to go (signing out) stops it and forgets the ids.
 */
const newest = {
  ids: [] as number[],
  listeners: new Set<() => void>(),
  stop: () => {},
  subscribe(listener: () => void): () => void {
    newest.listeners.add(listener);
    if (newest.listeners.size === 1) newest.start();
    return () => {
      newest.listeners.delete(listener);
      if (newest.listeners.size === 0) {
        newest.stop();
        newest.ids = [];
      }
    };
  },
  start(): void {
    const controller = new AbortController();
    const check = () => listMessages({ audience: 'staff', limit: LOOK }, controller.signal).then(
      ({ items }) => {
        newest.ids = items.map((m) => m.id);
        newest.listeners.forEach((l) => l());
      },
      () => { /* the badge only hints; the next check tries again */ },
    );
    void check();
    const timer = setInterval(check, EVERY_MS);
    newest.stop = () => { clearInterval(timer); controller.abort(); };
  },
  snapshot: (): number[] => newest.ids,
};

/** How many messages to the user or their department arrived since they last opened 消息. */
export function NewMessagesBadge() {
  const { t } = useTranslation();
  const user = useUser();
  const ids = useSyncExternalStore(newest.subscribe, newest.snapshot);
  const [seen, setSeen] = useState(() => lastSeen(user.id));
  useEffect(() => onSeen(() => setSeen(lastSeen(user.id))), [user.id]);
  const count = ids.filter((id) => id > seen).length;
  if (count === 0) return null;
  // The figure is for the eye; a screen reader hears the sentence.
  return (
    <>
      <span className="nav-badge" aria-hidden="true">{count >= LOOK ? `${LOOK}+` : count}</span>
      <span className="visually-hidden">{t('messages.newCount', { count: Math.min(count, LOOK) })}</span>
    </>
  );
}
