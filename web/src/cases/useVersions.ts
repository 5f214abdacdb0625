import { useCallback, useEffect, useState } from 'react';
import { getCase } from './api';

/**
 * The version of each selected case, read when it is selected: a bulk action is decided on what
 * the dispatcher saw, so a case someone changed since answers 409 for itself. (The list's rows
 * carry no version; when they do, `known` supplies it and nothing is fetched.)
 */
export function useVersions(selected: ReadonlySet<number>, known?: (id: number) => number | undefined): { versions: Map<number, number>; forget: (ids: number[]) => void } {
  const [versions, setVersions] = useState(() => new Map<number, number>());
  useEffect(() => {
    const missing = [...selected].filter((id) => !versions.has(id));
    if (!missing.length) return;
    let live = true;
    (async () => {
      const found = new Map<number, number>();
      for (let i = 0; i < missing.length; i += 4) {
        const batch = missing.slice(i, i + 4);
        await Promise.all(batch.map(async (id) => {
          const v = known?.(id) ?? (await getCase(id).catch(() => null))?.version;
          if (v !== undefined) found.set(id, v);
        }));
      }
      if (live) setVersions((old) => new Map([...old, ...found]));
    })();
    return () => { live = false; };
  }, [selected, versions, known]);
  const forget = useCallback((ids: number[]) => setVersions((old) => new Map([...old].filter(([id]) => !ids.includes(id)))), []);
  return { versions, forget };
}
