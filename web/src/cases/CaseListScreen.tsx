import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useAddressParams } from '../app/address';
import { Alert, ScreenTitle, useErrorMessage } from '../ui';
import { listCases } from './api';
import { queryFromParams } from './case-query';
import { CaseFilters } from './CaseFilters';
import { CasePager } from './CasePager';
import { CaseTable } from './CaseTable';
import { useCatalogue, useLoad } from './hooks';
import './cases.css';

/** Every case in the user's jurisdiction, newest first, filtered and paged; the leader's overview too. */
export default function CaseListScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  // Applying filters sets the whole query; a page is set on the query as it is now.
  const [params, setParams] = useSearchParams();
  const [, updateAddress] = useAddressParams();
  const { categories, departments } = useCatalogue();
  const key = params.toString();
  const page = useLoad((signal) => listCases({ ...queryFromParams(new URLSearchParams(key)), pageSize: 30 }, signal), [key]);
  const goTo = (n: number) => updateAddress((next) => next.set('page', String(n)));
  return (
    <section className="case-list">
      <ScreenTitle>{t('cases.listTitle')}</ScreenTitle>
      <CaseFilters params={params} onApply={setParams} categories={categories} departments={departments} />
      {page.error !== null && <Alert>{messageOf(page.error)}</Alert>}
      <CaseTable caption={t('cases.listCaption')} rows={page.value?.items ?? []} categories={categories} busy={page.loading} empty={page.loading ? t('ui.loading') : t('cases.empty')} />
      {page.value && <CasePager page={page.value} onPage={goTo} />}
    </section>
  );
}
