import { useState } from 'react';
import { getCase } from './api';
import { useLoad } from './hooks';
import type { CaseDetail } from './types';

/** One case, read from the server and replaced by what each action answers; the newer version wins. */
export function useCase(id: number) {
  const loaded = useLoad((signal) => getCase(id, signal), [id]);
  const [updated, setUpdated] = useState<CaseDetail | null>(null);
  const fresh = updated && updated.id === id && updated.version >= (loaded.value?.id === id ? loaded.value.version : 0) ? updated : loaded.value;
  return { detail: fresh?.id === id ? fresh : undefined, error: loaded.error, loading: loaded.loading, reload: loaded.reload, replace: setUpdated };
}
