/**
 * Which of a user's messages are new: the newest id they have seen, kept in this browser
 * (the server keeps no read marks; the outbox is the record of what was sent).
 */
const EVENT = 'shiyu:messages-seen';

const keyOf = (userId: number) => `shiyu.messages.seen.${userId}`;

export function lastSeen(userId: number): number {
  return Number(localStorage.getItem(keyOf(userId)) ?? 0) || 0;
}

/** Marks every message up to `id` seen, and tells the badge. */
export function markSeen(userId: number, id: number): void {
  if (id <= lastSeen(userId)) return;
  localStorage.setItem(keyOf(userId), String(id));
  window.dispatchEvent(new Event(EVENT));
}

export function onSeen(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
