import { useEffect, useRef, useState } from 'react';
import { session } from '../api/client';
import type { CaseChange } from './api';

export type StreamState = 'connecting' | 'open' | 'closed';

/** How long to wait before opening a stream the server closed (a restart, an expired session). */
const RETRY_MS = 5000;

/**
 * Listens to GET /api/v1/cases/stream (server-sent events; EventSource cannot send headers,
 * so the token goes as ?token=). `onChange` hears every change to a case in the jurisdiction;
 * `onReconnect` is told when the stream opens again after a break, since changes in between
 * were missed.
 */
export function useCaseStream(onChange: (change: CaseChange) => void, onReconnect: () => void): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handlers = useRef({ onChange, onReconnect });
  handlers.current = { onChange, onReconnect };
  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let opened = 0;
    const connect = () => {
      const token = session.token();
      if (!token) return setState('closed');
      source = new EventSource(`/api/v1/cases/stream?token=${encodeURIComponent(token)}`);
      source.onopen = () => {
        setState('open');
        if (opened++ > 0) handlers.current.onReconnect();
      };
      source.addEventListener('case', (e) => handlers.current.onChange(JSON.parse((e as MessageEvent<string>).data) as CaseChange));
      source.onerror = () => {
        // EventSource retries by itself after a dropped connection; a refused one (401) it gives up on.
        if (source?.readyState === EventSource.CLOSED) {
          setState('closed');
          source.close();
          retry = setTimeout(connect, RETRY_MS);
        } else {
          setState('connecting');
        }
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, []);
  return state;
}
