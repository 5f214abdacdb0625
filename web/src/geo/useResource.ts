import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  /** The last answer; kept while a reload runs, so live screens do not flicker. */
  data: T | undefined;
  /** The last failure (an ApiError), cleared by the next success. */
  error: unknown;
  loading: boolean;
  /** Asks again with the same inputs (a live update, a "try again" button). */
  reload: () => void;
}

/**
 * Loads something from the API when the inputs (`deps`) change, aborting the previous request.
 * Shared by the geography, figures and command screens.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    latest.current(controller.signal).then(
      (value) => { if (!controller.signal.aborted) { setData(value); setError(null); setLoading(false); } },
      (err: unknown) => { if (!controller.signal.aborted) { setError(err); setLoading(false); } },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names the inputs
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, error, loading, reload };
}
