import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from './EChart';
import type { FigureRow } from './figures';

/** Series colours that keep 3:1 against white and each other's neighbours. */
export const SERIES_COLOURS = ['#0b57a4', '#1d6b35', '#8a5a00', '#9f1d20', '#6d1d63', '#3b424b'];

/** How many groups the chart shows, the busiest first; the table has them all. */
const TOP = 15;

/**
 * The busiest groups as horizontal bars (long Chinese names stay readable on a phone): cases
 * received and closed, or, by post, each kind of action.
 */
export function FigureChart({ label, rows, fields }: { label: string; rows: FigureRow[]; fields: string[] }) {
  const { t } = useTranslation();
  const option = useMemo(() => {
    const groups = rows.filter((r) => !r.total)
      .sort((a, b) => (b.values[fields[0]] ?? 0) - (a.values[fields[0]] ?? 0))
      .slice(0, TOP);
    return {
      color: SERIES_COLOURS,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: groups.map((g) => g.name), axisLabel: { width: 140, overflow: 'truncate' } },
      series: fields.map((f) => ({ type: 'bar', name: t(`stats.columns.${f}` as 'stats.columns.received'), data: groups.map((g) => g.values[f] ?? 0) })),
    };
  }, [rows, fields, t]);
  const shown = Math.min(TOP, rows.length - 1);
  return <EChart label={label} option={option} height={`${Math.max(160, 60 + shown * 34)}px`} className="figure-chart" />;
}
