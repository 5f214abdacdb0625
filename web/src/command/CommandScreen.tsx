import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './command.css';
import { Link, useNavigate } from 'react-router-dom';
import { fetchBasemap, fetchBoundaries } from '../geo/api';
import { useResource } from '../geo/useResource';
import { formatDateTime } from '../i18n/format';
import { fetchDaily, fetchFigures } from '../stats/api';
import { cstMidnight, lastDays } from '../stats/periods';
import { Alert, Button, ScreenTitle, Select, Spinner, useErrorMessage } from '../ui';
import { fetchOverdue, fetchPoints, type CaseChange } from './api';
import { CaseMap } from './CaseMap';
import { CaseLegend } from './CaseLegend';
import { KpiTiles } from './KpiTiles';
import { LiveFeed } from './LiveFeed';
import { OverdueList } from './OverdueList';
import { TrendChart } from './TrendChart';
import { useCaseStream } from './useCaseStream';

/** The trend and the rates look back this many days. */
const DAYS = 30;
/** Changes arriving together refresh the screen once, at most this often. */
const REFRESH_MS = 1500;
/** Besides live changes, the figures are read again this often (the day turns at midnight). */
const POLL_MS = 5 * 60_000;
const LIVE_LINES = 12;

/**
 * The command centre (指挥中心, 一屏可见): headline figures, the jurisdiction's map with its cases,
 * the thirty-day trend, overdue cases and the live feed, refreshed by the case stream without
 * reloading. One screen at 1920 px; stacked on a phone.
 */
export default function CommandScreen() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const messageOf = useErrorMessage();
  const [heat, setHeat] = useState(false);
  const [scope, setScope] = useState<'open' | 'all'>('open');
  const [changes, setChanges] = useState<CaseChange[]>([]);
  const [updatedAt, setUpdatedAt] = useState(() => new Date());

  const basemap = useResource((signal) => fetchBasemap(signal).catch(() => null), []);
  const areas = useResource((signal) => fetchBoundaries({}, signal), []);
  const grids = useResource((signal) => fetchBoundaries({ level: 'grid' }, signal), []);
  const points = useResource((signal) => fetchPoints(scope, signal), [scope]);
  const daily = useResource((signal) => fetchDaily(lastDays(DAYS), signal), []);
  const rates = useResource((signal) => {
    const days = lastDays(DAYS);
    return fetchFigures({ groupBy: 'channel', from: cstMidnight(days.from), to: cstMidnight(days.to) }, signal);
  }, []);
  const overdue = useResource((signal) => fetchOverdue(6, signal), []);

  const live = [points, daily, rates, overdue];
  const refresh = useCallback(() => {
    for (const r of live) r.reload();
    setUpdatedAt(new Date());
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload functions are stable
  }, []);
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  const refreshSoon = useCallback(() => {
    pending.current ??= setTimeout(() => { pending.current = undefined; refresh(); }, REFRESH_MS);
  }, [refresh]);
  useEffect(() => {
    const timer = setInterval(refresh, POLL_MS);
    return () => { clearInterval(timer); clearTimeout(pending.current); };
  }, [refresh]);
  const stream = useCaseStream((change) => {
    setChanges((list) => [change, ...list].slice(0, LIVE_LINES));
    refreshSoon();
  }, refreshSoon);

  const today = daily.data?.days[daily.data.days.length - 1];
  const totals = rates.data?.groupBy === 'channel' ? rates.data.totals : undefined;
  const kpis = {
    receivedToday: today?.received ?? null,
    closedToday: today?.closed ?? null,
    onTimeRate: totals?.onTimeRate ?? null,
    satisfaction: totals?.satisfactionRate ?? null,
    overdueNow: overdue.data?.total ?? null,
    overdueExact: overdue.data?.totalExact ?? true,
  };
  const failure = [areas, grids, ...live].find((r) => r.error)?.error;
  const shownOverdue = points.data?.features.filter((f) => f.properties.overdue).length ?? 0;

  return (
    <section className="command">
      <div className="command-head">
        <ScreenTitle>{t('command.title')}</ScreenTitle>
        <p className="muted">{t('command.updated', { time: formatDateTime(updatedAt) })}</p>
      </div>
      {failure ? <Alert>{messageOf(failure)}</Alert> : null}
      <KpiTiles kpis={kpis} />
      <div className="command-body">
        <section className="panel command-map-panel" aria-labelledby="command-map-title">
          <div className="command-map-head">
            <h2 id="command-map-title">{t('command.mapTitle')}</h2>
            <div className="toolbar">
              <Select label={t('command.show')} hideLabel value={scope} onChange={(e) => setScope(e.target.value as 'open' | 'all')}
                options={[{ value: 'open', label: t('command.showOpen') }, { value: 'all', label: t('command.showAll', { days: DAYS }) }]} />
              <Button aria-pressed={heat} onClick={() => setHeat(!heat)} className="toggle">{t('command.heat')}</Button>
            </div>
          </div>
          {basemap.data === undefined && basemap.loading ? <div className="map-view map-pending"><Spinner /></div> : (
            <CaseMap
              label={t('command.mapLabel')} basemap={basemap.data ?? null}
              areas={areas.data} grids={grids.data} points={points.data} heat={heat}
              onOpenCase={(id) => navigate(`/cases/${id}`)}
            />
          )}
          <p className="map-summary" aria-live="polite">
            {points.data && t('command.mapSummary', { count: points.data.features.length, overdue: shownOverdue })}
            {points.data?.truncated && ` ${t('command.truncated')}`}
            {' '}<Link to="/cases">{t('command.allCases')}</Link>
          </p>
          <CaseLegend />
        </section>
        <div className="command-side">
          {daily.data ? <TrendChart daily={daily.data} /> : <div className="panel"><Spinner /></div>}
          {overdue.data && <OverdueList overdue={overdue.data} />}
          <LiveFeed changes={changes} state={stream} />
        </div>
      </div>
    </section>
  );
}
