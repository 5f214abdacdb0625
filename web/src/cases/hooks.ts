import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { categories as loadCategories, departments as loadDepartments } from './api';
import type { Category, Department } from './types';

export interface Loaded<T> {
  value?: T;
  error: unknown;
  loading: boolean;
  /** Loads again (after an action changed what was loaded). */
  reload: () => void;
}

/** Loads something when the dependencies change; a newer load cancels the older one. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error: unknown; loading: boolean }>({ error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (value) => { if (!controller.signal.aborted) setState({ value, error: null, loading: false }); },
      (error: unknown) => { if (!controller.signal.aborted) setState((s) => ({ value: s.value, error, loading: false })); },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/** The taxonomy and the departments, read once per session. */
export function useCatalogue(): { categories: Category[]; departments: Department[]; ready: boolean; reload: () => void } {
  const loaded = useLoad(() => Promise.all([loadCategories(), loadDepartments()]), []);
  return { categories: loaded.value?.[0] ?? [], departments: loaded.value?.[1] ?? [], ready: !!loaded.value, reload: loaded.reload };
}

/** A category's name in the interface language. */
export function useCategoryName(): (c: Pick<Category, 'name' | 'nameEn'> | null | undefined) => string {
  const { i18n } = useTranslation();
  return useCallback((c) => (c ? (i18n.language === 'en' ? c.nameEn : c.name) : '—'), [i18n.language]);
}
