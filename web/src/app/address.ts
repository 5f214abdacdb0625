import { useCallback } from 'react';
import { useSearchParams, type NavigateOptions } from 'react-router-dom';

/**
 * The address's query, and a way to change part of it. A change starts from the address as it
 * is now, not as the last render saw it: the router renders a navigation as a transition, so on
 * a slow device a second choice made before the first one's render lands would otherwise start
 * from the old address and undo the first.
 */
export function useAddressParams(): [URLSearchParams, (change: (next: URLSearchParams) => void, options?: NavigateOptions) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback((change: (next: URLSearchParams) => void, options?: NavigateOptions) => {
    const next = new URLSearchParams(window.location.search);
    change(next);
    setParams(next, options);
  }, [setParams]);
  return [params, update];
}
