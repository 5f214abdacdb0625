import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

export type ToastKind = 'info' | 'success' | 'error';

interface ToastItem {
  id: number;
  kind: ToastKind;
  message: string;
}

interface ToastApi {
  /** Shows a message; info and success fade after 6 s, errors stay until closed. */
  show(kind: ToastKind, message: string): void;
  /** Shows an error from the API (or anything thrown) in the user's language. */
  error(err: unknown): void;
}

const ToastContext = createContext<ToastApi | null>(null);

/** Turns an error into a sentence: the translation of its code when there is one, else the server's message. */
export function useErrorMessage(): (err: unknown) => string {
  const { t, i18n } = useTranslation();
  return useCallback((err: unknown) => {
    if (err instanceof ApiError) {
      const key = `errors.${err.code}`;
      return i18n.exists(key) ? t(key as 'errors.generic', { message: err.message }) : t('errors.generic', { message: err.message });
    }
    return t('errors.generic', { message: err instanceof Error ? err.message : String(err) });
  }, [t, i18n]);
}

/** The page's live region for passing messages; wrap the app once. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setItems((list) => list.filter((i) => i.id !== id)), []);
  const show = useCallback((kind: ToastKind, message: string) => {
    const id = next.current++;
    setItems((list) => [...list.slice(-3), { id, kind, message }]);
    if (kind !== 'error') setTimeout(() => dismiss(id), 6000);
  }, [dismiss]);
  const value = useMemo<ToastApi>(() => ({ show, error: (err) => show('error', messageOf(err)) }), [show, messageOf]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" aria-label={t('ui.notifications')}>
        <div role="status" aria-live="polite">
          {items.filter((i) => i.kind !== 'error').map((i) => <Toast key={i.id} item={i} onClose={dismiss} />)}
        </div>
        <div role="alert" aria-live="assertive">
          {items.filter((i) => i.kind === 'error').map((i) => <Toast key={i.id} item={i} onClose={dismiss} />)}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function Toast({ item, onClose }: { item: ToastItem; onClose: (id: number) => void }) {
  const { t } = useTranslation();
  return (
    <div className={`toast toast-${item.kind}`}>
      <span>{item.message}</span>
      <button type="button" className="toast-close" onClick={() => onClose(item.id)} aria-label={t('ui.close')}>×</button>
    </div>
  );
}

/** `const toast = useToast(); toast.show('success', t('cases.dispatched')); toast.error(err);` */
export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast outside ToastProvider');
  return api;
}

/** An inline alert (form errors): announced when it appears. */
export function Alert({ kind = 'error', children }: { kind?: ToastKind; children: ReactNode }) {
  return <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>{children}</div>;
}
