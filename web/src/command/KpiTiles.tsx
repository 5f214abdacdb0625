import { useTranslation } from 'react-i18next';
import { formatPercent } from '../i18n/format';

export interface Kpis {
  receivedToday: number | null;
  closedToday: number | null;
  /** Fractions over the last thirty days; null over nothing. */
  onTimeRate: number | null;
  satisfaction: number | null;
  overdueNow: number | null;
  /** False when more cases are overdue than the list counts (10,000): shown as "10000+". */
  overdueExact: boolean;
}

/**
 * The command centre's headline figures. Each value is the tile's text alone, a plain number
 * ("128") or a percentage ("97.5%"), with a data-testid, so people and tests read the same thing.
 */
export function KpiTiles({ kpis }: { kpis: Kpis }) {
  const { t } = useTranslation();
  const count = (n: number | null, exact = true) => (n === null ? '—' : `${n}${exact ? '' : '+'}`);
  const tiles = [
    { id: 'received-today', label: t('command.kpi.receivedToday'), value: count(kpis.receivedToday) },
    { id: 'closed-today', label: t('command.kpi.closedToday'), value: count(kpis.closedToday) },
    { id: 'on-time-rate', label: t('command.kpi.onTimeRate'), value: formatPercent(kpis.onTimeRate) },
    { id: 'satisfaction', label: t('command.kpi.satisfaction'), value: formatPercent(kpis.satisfaction) },
    { id: 'overdue-now', label: t('command.kpi.overdueNow'), value: count(kpis.overdueNow, kpis.overdueExact), alert: !!kpis.overdueNow },
  ];
  return (
    <section className="kpis" aria-labelledby="kpi-title">
      <h2 id="kpi-title" className="visually-hidden">{t('command.kpi.title')}</h2>
      <dl>
        {tiles.map((tile) => (
          <div key={tile.id} className={tile.alert ? 'kpi kpi-alert' : 'kpi'}>
            <dt>{tile.label}</dt>
            <dd data-testid={`kpi-${tile.id}`}>{tile.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
