import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The screen's one <h1>; also sets the document title ("派遣队列 · 市域"). Focus moves to it
 * after navigation (Layout), so screen-reader users hear where they are.
 */
export function ScreenTitle({ children, title }: { children: ReactNode; title?: string }) {
  const { t } = useTranslation();
  const text = title ?? (typeof children === 'string' ? children : '');
  useEffect(() => {
    document.title = text ? `${text} · ${t('app.name')}` : t('app.name');
  }, [text, t]);
  return <h1 className="screen-title" tabIndex={-1}>{children}</h1>;
}
