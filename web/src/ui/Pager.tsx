import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/format';
import { Button } from './Button';

export interface PagerProps {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}

/** Previous / next through a paged list (`Page<T>` from the API), with the position announced. */
export function Pager({ page, pageSize, total, onPage }: PagerProps) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label={t('ui.pager')}>
      <Button onClick={() => onPage(page - 1)} disabled={page <= 1}>{t('ui.previous')}</Button>
      <span className="pager-position" aria-live="polite">
        {t('ui.pageOf', { page: formatNumber(page), pages: formatNumber(pages) })} · {t('ui.totalRows', { count: total })}
      </span>
      <Button onClick={() => onPage(page + 1)} disabled={page >= pages}>{t('ui.next')}</Button>
    </nav>
  );
}
