import { useState, type FormEvent } from 'react';

/**
 * For a form that writes its choices to the address and follows the address when it changes
 * under it (back, forward, a link). Under load the address's new values render late, as
 * transitions, after the user has moved on; taking in an echo of the form's own choice then would
 * undo what they did since. `take` is called, during render, only for a value that came from
 * elsewhere; the form calls the returned `sent` with each choice just before writing it.
 */
export function useOwnEchoes<T>(value: T, same: (a: T, b: T) => boolean, take: (value: T) => void): (choice: T) => void {
  const [seen, setSeen] = useState(value);
  const [pending, setPending] = useState<T[]>([]);
  if (!same(value, seen)) {
    setSeen(value);
    const echo = pending.findIndex((p) => same(p, value));
    if (echo >= 0) setPending(pending.slice(echo + 1));
    else {
      setPending([]);
      take(value);
    }
  }
  return (choice: T) => {
    // Choosing what the address already says changes nothing, and nothing will echo.
    if (pending.length > 0 || !same(choice, value)) setPending((p) => [...p, choice]);
  };
}

/**
 * A filter form over the address: its draft starts from the address and follows it when it changes
 * under the form, but not on the late echoes of the form's own queries, which would take back what
 * the user chose since. `submit` writes the draft to the address; `clear` empties both.
 */
export function useAddressDraft<D>(
  params: URLSearchParams, draftOf: (params: URLSearchParams) => D, paramsOf: (draft: D) => URLSearchParams, onApply: (params: URLSearchParams) => void,
) {
  const [draft, setDraft] = useState(() => draftOf(params));
  const sent = useOwnEchoes(params.toString(), (a, b) => a === b, (outside) => setDraft(draftOf(new URLSearchParams(outside))));
  const apply = (next: URLSearchParams) => {
    sent(next.toString());
    onApply(next);
  };
  const set = (change: Partial<D>) => setDraft((d) => ({ ...d, ...change }));
  const submit = (e: FormEvent) => { e.preventDefault(); apply(paramsOf(draft)); };
  const clear = () => {
    setDraft(draftOf(new URLSearchParams()));
    apply(new URLSearchParams());
  };
  return { draft, set, submit, clear };
}
