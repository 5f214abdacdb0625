import { useEffect, useRef } from 'react';
import { useCaseStream } from '../command/useCaseStream';

/**
 * Calls `reload` shortly after any case in the jurisdiction changes (GET /api/v1/cases/stream),
 * at most once a `quietMs`, so a queue shows new reports and others' actions without a refresh.
 */
export function useLiveReload(reload: () => void, quietMs = 3000): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(reload);
  latest.current = reload;
  const schedule = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => { timer.current = undefined; latest.current(); }, quietMs);
  };
  useCaseStream(schedule, schedule);
  useEffect(() => () => clearTimeout(timer.current), []);
}
