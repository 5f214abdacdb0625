import { useEffect, useRef, useState } from 'react';
import { session } from '../api/client';
import type { CaseChange } from './api';
import { takeEvents } from './event-stream';

export type StreamState = 'connecting' | 'open' | 'closed';

/** How long to wait before opening a stream the server refused (an expired session). */
const RETRY_MS = 5000;
/** How long to wait before opening a stream that dropped (a restart, a network change), as EventSource would. */
const RECONNECT_MS = 2000;

/**
 * Listens to GET /api/v1/cases/stream (server-sent events). Read with fetch rather than
 * EventSource, which cannot send headers: the token goes as a Bearer header, never in a URL
 * that proxies and their logs keep. `onChange` hears every change to a case in the
 * jurisdiction; `onReconnect` is told when the stream opens again after a break, since
 * changes in between were missed.
 */
export function useCaseStream(onChange: (change: CaseChange) => void, onReconnect: () => void): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handlers = useRef({ onChange, onReconnect });
  handlers.current = { onChange, onReconnect };
  useEffect(() => {
    const stop = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    let opened = 0;
    const connect = async () => {
      const token = session.token();
      if (!token) return setState('closed');
      let refused = false;
      try {
        const res = await fetch('/api/v1/cases/stream', {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, cache: 'no-store', signal: stop.signal,
        });
        if (!res.ok || !res.body) {
          refused = true;
          await res.body?.cancel();
        } else {
          setState('open');
          if (opened++ > 0) handlers.current.onReconnect();
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let rest = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            const taken = takeEvents(rest + value);
            rest = taken.rest;
            for (const e of taken.events) if (e.event === 'case') handlers.current.onChange(JSON.parse(e.data) as CaseChange);
          }
        }
      } catch {
        // A dropped connection; or the screen closed, which the abort below tells apart.
      }
      if (stop.signal.aborted) return;
      setState(refused ? 'closed' : 'connecting');
      retry = setTimeout(() => void connect(), refused ? RETRY_MS : RECONNECT_MS);
    };
    void connect();
    return () => {
      clearTimeout(retry);
      stop.abort();
    };
  }, []);
  return state;
}
