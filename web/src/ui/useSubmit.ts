import { useCallback, useState } from 'react';
import { useToast } from './Toast';

/**
 * A form's save: busy while `work` runs, then a success toast and `after`, or the refusal kept
 * in `error` for the fields to name (`fieldError`) and shown as a toast.
 */
export function useSubmit() {
  const toast = useToast();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = useCallback(async <T,>(work: () => Promise<T>, success: (result: T) => string, after: (result: T) => void) => {
    setSaving(true);
    setError(null);
    try {
      const result = await work();
      toast.show('success', success(result));
      after(result);
    } catch (err) {
      setError(err);
      toast.error(err);
    } finally {
      setSaving(false);
    }
  }, [toast]);
  const clearError = useCallback(() => setError(null), []);
  return { saving, error, submit, clearError };
}
