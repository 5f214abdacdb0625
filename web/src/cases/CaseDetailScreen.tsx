import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { NotFound } from '../app/NotFound';
import { positiveInt } from '../app/record-id';
import { CaseMessages } from '../notify/CaseMessages';
import { Alert, ScreenTitle, Spinner, StatusBadge, useErrorMessage } from '../ui';
import { ActionPanel } from './ActionPanel';
import { CaseFacts, CaseFlags } from './CaseFacts';
import { CasePrint } from './CasePrint';
import { useCatalogue } from './hooks';
import { PhotoGallery } from './PhotoGallery';
import { Timeline } from './Timeline';
import { useCase } from './useCase';
import './cases.css';

const CaseMap = lazy(() => import('./CaseMap'));

/** /cases/:id; an address whose id is no id at all (/cases/abc) is a page that does not exist. */
export default function CaseDetailScreen() {
  const id = positiveInt(useParams().id);
  return id === null ? <NotFound /> : <CaseDetail id={id} />;
}

/** One case: what, where and who, its photos and history, and the actions this user may take on it. */
function CaseDetail({ id }: { id: number }) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const { detail: c, error, reload, replace } = useCase(id);
  const { departments } = useCatalogue();

  if (!c) {
    const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
    return (
      <section>
        <ScreenTitle>{t('cases.detailTitle')}</ScreenTitle>
        {error ? <Alert>{missing ? t('cases.notFound') : messageOf(error)}</Alert> : <Spinner />}
        <p><Link to="/cases">{t('cases.backToList')}</Link></p>
      </section>
    );
  }
  return (
    <article className="case-page">
      <div className="case-head">
        <ScreenTitle>{t('cases.detailHeading', { ticketNo: c.ticketNo })}</ScreenTitle>
        <div className="case-badges"><StatusBadge status={c.status} /><CaseFlags c={c} /></div>
        <CasePrint c={c} />
      </div>
      <div className="case-columns">
        <div className="case-main">
          <section aria-labelledby="case-what">
            <h2 id="case-what">{t('cases.field.description')}</h2>
            <p className="case-description">{c.description}</p>
            <CaseFacts c={c} />
          </section>
          <ActionPanel detail={c} onChanged={replace} onReload={reload} />
          <section aria-labelledby="case-history">
            <h2 id="case-history">{t('cases.timelineTitle')}</h2>
            <Timeline entries={c.timeline} departments={departments} />
          </section>
        </div>
        <aside className="case-side">
          <section aria-labelledby="case-where">
            <h2 id="case-where">{t('cases.where')}</h2>
            {c.location ? (
              <Suspense fallback={<Spinner />}><CaseMap point={c.location} gridId={c.gridId} /></Suspense>
            ) : <p className="muted">{t('cases.noPoint')}</p>}
            {c.location && <p className="muted coords">{t('cases.coordinates', { lon: c.location.lon.toFixed(5), lat: c.location.lat.toFixed(5) })}</p>}
          </section>
          <section aria-labelledby="case-photos">
            <h2 id="case-photos">{t('cases.photos')}</h2>
            <PhotoGallery caseId={c.id} refreshKey={c.version} />
          </section>
          <section aria-labelledby="case-messages">
            <h2 id="case-messages">{t('messages.forCase')}</h2>
            <CaseMessages caseId={c.id} refreshKey={c.version} />
          </section>
        </aside>
      </div>
      <p><Link to="/cases">{t('cases.backToList')}</Link></p>
    </article>
  );
}
