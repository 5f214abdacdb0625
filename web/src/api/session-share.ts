import { session } from './client';

/**
 * A session is kept per tab (sessionStorage), so that it ends with the browser and is never
 * written to disk; but a dispatcher opens cases in new tabs all day. A new tab without a token
 * asks the open tabs of the same site for theirs over a BroadcastChannel (same origin only),
 * and a tab that signs out tells the others to.
 */

const CHANNEL = 'shiyu.session';
/** How long a new tab waits for an answer: open tabs answer within milliseconds. */
const ASK_MS = 250;

type Message = { type: 'ask'; id: string } | { type: 'lend'; to: string; token: string } | { type: 'signedOut' };

function channel(): BroadcastChannel | null {
  return typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
}

/** The token of another open tab, or null when none answers in time. */
export function borrowSession(): Promise<string | null> {
  const ch = channel();
  if (!ch) return Promise.resolve(null);
  const id = crypto.randomUUID();
  return new Promise((resolve) => {
    const done = (token: string | null) => {
      clearTimeout(timer);
      ch.close();
      resolve(token);
    };
    const timer = setTimeout(() => done(null), ASK_MS);
    ch.onmessage = (e: MessageEvent<Message>) => {
      if (e.data?.type === 'lend' && e.data.to === id && typeof e.data.token === 'string') done(e.data.token);
    };
    ch.postMessage({ type: 'ask', id } satisfies Message);
  });
}

/**
 * Answers other tabs' asks with this tab's token while it has one, and hears that another tab
 * signed out (`onSignedOut`). Answers how to stop.
 */
export function lendSession(onSignedOut: () => void): () => void {
  const ch = channel();
  if (!ch) return () => undefined;
  ch.onmessage = (e: MessageEvent<Message>) => {
    const token = session.token();
    if (e.data?.type === 'ask' && token) ch.postMessage({ type: 'lend', to: e.data.id, token } satisfies Message);
    if (e.data?.type === 'signedOut') onSignedOut();
  };
  return () => ch.close();
}

/** Tells the other tabs this session has ended. */
export function announceSignOut(): void {
  const ch = channel();
  if (!ch) return;
  ch.postMessage({ type: 'signedOut' } satisfies Message);
  ch.close();
}
