import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/format';
import { Button } from '../ui';
import type { CasePage } from './types';

/**
 * Previous / next through the case list. Past 10,000 matches the server stops counting
 * (`totalExact` false): the total reads "10,000+" and `hasMore` alone says whether a next page exists.
 */
export function CasePager({ page, onPage }: { page: CasePage; onPage: (page: number) => void }) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const total = page.totalExact ? t('cases.pager.total', { count: page.total, n: formatNumber(page.total) }) : t('cases.pager.atLeast', { n: formatNumber(page.total) });
  const position = page.totalExact ? t('ui.pageOf', { page: formatNumber(page.page), pages: formatNumber(pages) }) : t('cases.pager.page', { page: formatNumber(page.page) });
  return (
    <nav className="pager" aria-label={t('ui.pager')}>
      <Button onClick={() => onPage(page.page - 1)} disabled={page.page <= 1}>{t('ui.previous')}</Button>
      <span className="pager-position" aria-live="polite">{position} · {total}</span>
      <Button onClick={() => onPage(page.page + 1)} disabled={!page.hasMore}>{t('ui.next')}</Button>
    </nav>
  );
}
