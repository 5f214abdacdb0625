import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUser } from '../app/auth';
import { listMessages } from './api';
import { lastSeen, onSeen } from './seen';

const LOOK = 50;
const EVERY_MS = 60_000;

/** How many messages to the user or their department arrived since they last opened 消息, beside its link. */
export function NewMessagesBadge() {
  const { t } = useTranslation();
  const user = useUser();
  const [ids, setIds] = useState<number[]>([]);
  const [seen, setSeen] = useState(() => lastSeen(user.id));
  useEffect(() => onSeen(() => setSeen(lastSeen(user.id))), [user.id]);
  useEffect(() => {
    const controller = new AbortController();
    const check = () => listMessages({ audience: 'staff', limit: LOOK }, controller.signal).then(
      ({ items }) => setIds(items.map((m) => m.id)),
      () => { /* the badge only hints; the next check tries again */ },
    );
    void check();
    const timer = setInterval(check, EVERY_MS);
    return () => { clearInterval(timer); controller.abort(); };
  }, [user.id]);
  const count = ids.filter((id) => id > seen).length;
  if (count === 0) return null;
  return <span className="nav-badge" role="status" aria-label={t('messages.newCount', { count })}>{count >= LOOK ? `${LOOK}+` : count}</span>;
}
