import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAddressParams } from '../app/address';
import { formatDate } from '../i18n/format';
import { useResource } from '../geo/useResource';
import { Alert, Button, ScreenTitle, Select, useErrorMessage, useToast } from '../ui';
import './stats.css';
import { downloadFigures, fetchFigures, GROUPINGS, type FigureQuery, type Grouping } from './api';
import { FigureChart } from './FigureChart';
import { columnsOf, rowsOf } from './figures';
import { FigureTable } from './FigureTable';
import { useGroupName } from './group-names';
import { PeriodPicker, type PeriodChoice } from './PeriodPicker';
import { isDay, periodOf, PERIOD_KINDS, type PeriodKind } from './periods';

/** The choice in the address (?period=&first=&last=&groupBy=), so a view can be shared and returned to. */
function choiceOf(params: URLSearchParams): { period: PeriodChoice; groupBy: Grouping } {
  const kind = params.get('period') as PeriodKind | null;
  const first = params.get('first') ?? '';
  const last = params.get('last') ?? '';
  const custom = kind === 'custom' && isDay(first) && isDay(last) && first <= last;
  const period: PeriodChoice = custom ? { kind, first, last } : { kind: kind && kind !== 'custom' && PERIOD_KINDS.includes(kind) ? kind : 'thisMonth' };
  const groupBy = GROUPINGS.find((g) => g === params.get('groupBy')) ?? 'department';
  return { period, groupBy };
}

/**
 * Performance figures (绩效统计) per department, area, grid, category, channel or post over a
 * period: a chart of the busiest groups, the full table with links to each group's cases, and
 * the same numbers as XLSX or CSV.
 */
export default function StatsScreen() {
  const { t } = useTranslation();
  const toast = useToast();
  const messageOf = useErrorMessage();
  const [params, updateAddress] = useAddressParams();
  const { period: choice, groupBy } = choiceOf(params);
  const period = periodOf(choice.kind, new Date(), choice.kind === 'custom' ? { first: choice.first!, last: choice.last! } : undefined);
  const query: FigureQuery = { groupBy, ...period };
  const figures = useResource((signal) => fetchFigures(query, signal), [groupBy, period.from, period.to]);
  const [exporting, setExporting] = useState<'xlsx' | 'csv' | null>(null);
  const groupNameOf = useGroupName();

  const update = (next: { period?: PeriodChoice; groupBy?: Grouping }) => updateAddress((p) => {
    if (next.period) {
      p.set('period', next.period.kind);
      for (const k of ['first', 'last'] as const) {
        const v = next.period[k];
        if (v) p.set(k, v);
        else p.delete(k);
      }
    }
    if (next.groupBy) p.set('groupBy', next.groupBy);
  }, { replace: true });
  const download = async (format: 'xlsx' | 'csv') => {
    setExporting(format);
    try {
      const name = await downloadFigures(query, format);
      toast.show('success', t('stats.downloaded', { name }));
    } catch (err) {
      toast.error(err);
    } finally {
      setExporting(null);
    }
  };

  const groupName = t(`stats.groups.${groupBy}`);
  const span = t('stats.span', { from: formatDate(period.from), to: formatDate(Date.parse(period.to) - 1) });
  const data = figures.data?.groupBy === groupBy ? figures.data : undefined;
  const rows = data ? rowsOf(data, t('stats.total'), (g) => groupNameOf(data.groupBy, g)) : [];
  const chartFields = data?.groupBy === 'staff' ? ['received', 'dispatched', 'handled', 'closed'] : ['received', 'closed'];

  return (
    <section className="stats-screen">
      <ScreenTitle>{t('stats.title')}</ScreenTitle>
      <div className="stats-controls">
        <PeriodPicker value={choice} onChange={(p) => update({ period: p })} />
        <div className="toolbar">
          <Select label={t('stats.groupBy')} value={groupBy} onChange={(e) => update({ groupBy: e.target.value as Grouping })} options={GROUPINGS.map((g) => ({ value: g, label: t(`stats.groups.${g}`) }))} />
          <Button onClick={() => download('xlsx')} busy={exporting === 'xlsx'} disabled={!!exporting}>{t('stats.exportXlsx')}</Button>
          <Button onClick={() => download('csv')} busy={exporting === 'csv'} disabled={!!exporting}>{t('stats.exportCsv')}</Button>
        </div>
      </div>
      <p className="muted" aria-live="polite">{span}</p>
      {figures.error ? <Alert>{messageOf(figures.error)}</Alert> : null}
      {data && (
        <div className="stats-body">
          <section className="panel" aria-labelledby="figure-chart-title">
            <h2 id="figure-chart-title">{t('stats.chartTitle', { group: groupName })}</h2>
            <FigureChart label={t('stats.chartLabel', { group: groupName, span })} rows={rows} fields={chartFields} />
          </section>
          <FigureTable caption={t('stats.tableCaption', { group: groupName, span })} rows={rows} figureColumns={columnsOf(data)} busy={figures.loading} />
          {data.groupBy !== 'staff' && <p className="field-hint">{t('stats.drillNote')}</p>}
        </div>
      )}
    </section>
  );
}
