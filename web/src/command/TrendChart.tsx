import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/format';
import { EChart } from '../stats/EChart';
import type { DailyCounts } from '../stats/api';
import { SERIES_COLOURS } from '../stats/FigureChart';

/** Cases received and closed per day over the last thirty days, with the numbers as a table on request. */
export function TrendChart({ daily }: { daily: DailyCounts }) {
  const { t } = useTranslation();
  const option = useMemo(() => ({
    color: SERIES_COLOURS,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', boundaryGap: false, data: daily.days.map((d) => `${Number(d.date.slice(5, 7))}/${Number(d.date.slice(8))}`) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: 'line', name: t('command.received'), data: daily.days.map((d) => d.received), symbolSize: 5 },
      { type: 'line', name: t('command.closed'), data: daily.days.map((d) => d.closed), symbolSize: 5 },
    ],
  }), [daily, t]);
  return (
    <section className="panel trend" aria-labelledby="trend-title">
      <h2 id="trend-title">{t('command.trend')}</h2>
      <EChart label={t('command.trendLabel')} option={option} height="220px" />
      <details>
        <summary>{t('command.trendTable')}</summary>
        <div className="table-scroll" role="region" aria-label={t('command.trend')} tabIndex={0}>
          <table className="table">
            <thead><tr><th scope="col">{t('command.day')}</th><th scope="col" className="num">{t('command.received')}</th><th scope="col" className="num">{t('command.closed')}</th></tr></thead>
            <tbody>
              {daily.days.map((d) => <tr key={d.date}><th scope="row">{d.date}</th><td className="num">{formatNumber(d.received)}</td><td className="num">{formatNumber(d.closed)}</td></tr>)}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
