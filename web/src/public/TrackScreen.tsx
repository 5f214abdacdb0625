import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { formatDateTime } from '../i18n/format';
import { Alert, Button, ScreenTitle, Spinner, StatusBadge, TextField, useErrorMessage } from '../ui';
import { fetchPublicCase, rememberedReports, type PublicCase } from './api';
import { PublicTimeline } from './PublicTimeline';
import { RatingForm } from './RatingForm';
import './public.css';

/** The secret from the link's fragment (#k=…), or the one this browser kept when the report was made. */
function secretFor(ticketNo: string, hash: string): string | null {
  const fromLink = new URLSearchParams(hash.replace(/^#/, '')).get('k');
  return fromLink ?? rememberedReports().find((r) => r.ticketNo === ticketNo)?.secret ?? null;
}

/** 进度查询: follow a report by its ticket number, read the official answers, and rate the outcome. */
export default function TrackScreen() {
  const { t, i18n } = useTranslation();
  const messageOf = useErrorMessage();
  const navigate = useNavigate();
  const { hash } = useLocation();
  const ticketNo = useParams().ticketNo?.trim() ?? '';
  const [typed, setTyped] = useState(ticketNo);
  const [found, setFound] = useState<{ ticketNo: string; view?: PublicCase; error?: unknown } | null>(null);
  useEffect(() => {
    setTyped(ticketNo);
    if (!ticketNo) return setFound(null);
    const controller = new AbortController();
    setFound({ ticketNo });
    fetchPublicCase(ticketNo, secretFor(ticketNo, hash), controller.signal).then(
      (view) => setFound({ ticketNo, view }),
      (error: unknown) => { if (!controller.signal.aborted) setFound({ ticketNo, error }); },
    );
    return () => controller.abort();
  }, [ticketNo, hash]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (typed.trim()) navigate(`/track/${encodeURIComponent(typed.trim())}`);
  };
  const view = found?.view;
  const mine = rememberedReports();
  const rated = view?.timeline.some((e) => e.action === 'rate') ?? false;
  const secret = view ? secretFor(view.ticketNo, hash) : null;
  return (
    <section className="public-page">
      <ScreenTitle>{t('public.trackTitle')}</ScreenTitle>
      <form className="track-form" onSubmit={submit} role="search">
        <TextField label={t('public.track.ticket')} name="ticketNo" inputMode="numeric" value={typed} onChange={(e) => setTyped(e.target.value)} hint={t('public.track.ticketHint')} />
        <Button type="submit" variant="primary">{t('public.track.find')}</Button>
      </form>
      {!ticketNo && mine.length > 0 && (
        <section aria-labelledby="my-reports">
          <h2 id="my-reports">{t('public.track.mine')}</h2>
          <ul className="my-reports">
            {mine.map((r) => <li key={r.ticketNo}><Link to={`/track/${encodeURIComponent(r.ticketNo)}`}>{r.ticketNo}</Link> <span className="muted">{formatDateTime(r.at)}</span></li>)}
          </ul>
        </section>
      )}
      {found && !view && !found.error && <Spinner />}
      {found?.error !== undefined && (
        <Alert>{found.error instanceof ApiError && found.error.status === 404 ? t('public.track.notFound', { ticketNo: found.ticketNo }) : messageOf(found.error)}</Alert>
      )}
      {view && (
        <article className="public-case" aria-labelledby="public-case-title">
          <h2 id="public-case-title">{t('public.track.heading', { ticketNo: view.ticketNo })}</h2>
          <p className="public-status"><StatusBadge status={view.status} /></p>
          <dl className="facts">
            <div className="fact"><dt>{t('public.track.category')}</dt><dd>{view.category ? (i18n.language === 'en' ? view.category.nameEn : view.category.name) : t('public.track.notYet')}</dd></div>
            <div className="fact"><dt>{t('public.track.received')}</dt><dd>{formatDateTime(view.createdAt)}</dd></div>
            <div className="fact"><dt>{t('public.track.due')}</dt><dd>{view.dueAt ? formatDateTime(view.dueAt) : t('public.track.notYet')}</dd></div>
            {view.closedAt && <div className="fact"><dt>{t('public.track.closed')}</dt><dd>{formatDateTime(view.closedAt)}</dd></div>}
          </dl>
          {view.description && <p className="public-description">{view.description}</p>}
          {!view.shownPublicly && <p className="muted">{t(secret ? 'public.track.notShownOwn' : 'public.track.notShown')}</p>}
          {view.photos && view.photos.length > 0 && (
            <ul className="public-photos" aria-label={t('public.track.photos')}>
              {view.photos.map((p, i) => (
                <li key={p.id}><a href={p.url}><img src={p.thumbnailUrl} alt={t('public.track.photoAlt', { n: i + 1 })} loading="lazy" /></a></li>
              ))}
            </ul>
          )}
          <h3>{t('public.track.progress')}</h3>
          <PublicTimeline entries={view.timeline} />
          <RatingForm view={view} secret={secret} rated={rated} onRated={(next) => setFound({ ticketNo: view.ticketNo, view: next })} />
        </article>
      )}
    </section>
  );
}
