import { useEffect, useMemo, useRef, useState } from 'react';

interface Older<T> {
  items: T[];
  loading: boolean;
  done: boolean;
  error: unknown;
}

const START = { items: [], loading: false, done: false, error: null };

/**
 * A newest-first list read a page at a time: the first page as the screen loads it, and older
 * pages after it on request, each asked for by the last id shown (keyset paging, so that what
 * arrives meanwhile shifts nothing). A fresh first page starts the older pages again: one asked
 * for before it would leave a gap.
 */
export function useOlderPages<T extends { id: number }>(first: readonly T[] | undefined, pageSize: number, olderThan: (id: number) => Promise<{ items: T[] }>) {
  const [older, setOlder] = useState<Older<T>>(START);
  const generation = useRef(0);
  useEffect(() => {
    generation.current += 1;
    setOlder(START);
  }, [first]);
  const items = useMemo(() => [...(first ?? []), ...older.items], [first, older.items]);

  const more = async () => {
    const asked = generation.current;
    setOlder((o) => ({ ...o, loading: true, error: null }));
    try {
      const page = await olderThan(items.at(-1)!.id);
      if (asked === generation.current) setOlder((o) => ({ items: [...o.items, ...page.items], loading: false, done: page.items.length < pageSize, error: null }));
    } catch (error) {
      if (asked === generation.current) setOlder((o) => ({ ...o, loading: false, error }));
    }
  };
  const canGoOn = !!first && first.length === pageSize && !older.done;
  return { items, more, canGoOn, loading: older.loading, error: older.error };
}
