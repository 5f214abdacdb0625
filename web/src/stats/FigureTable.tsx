import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatNumber, formatPercent } from '../i18n/format';
import { Table, type Column } from '../ui';
import { drillLink } from './api';
import type { FigureColumn, FigureRow } from './figures';

/** A figure as text: counts and hours with separators, rates as percentages, nothing as '—'. */
export function formatFigure(value: number | null | undefined, kind: FigureColumn['kind']): string {
  return kind === 'rate' ? formatPercent(value) : formatNumber(value, kind === 'hours' ? 1 : 0);
}

/** The figures as a table, one row per group and the totals; a group's cases are a link away. */
export function FigureTable({ caption, rows, figureColumns, busy }: { caption: string; rows: FigureRow[]; figureColumns: FigureColumn[]; busy: boolean }) {
  const { t } = useTranslation();
  const columns: Column<FigureRow>[] = [
    { key: 'name', header: t('stats.columns.name'), render: (r) => (r.total ? <strong>{r.name}</strong> : <>{r.name}{r.code && <span className="muted"> {r.code}</span>}</>) },
    ...figureColumns.map((c): Column<FigureRow> => ({
      key: c.field, header: t(`stats.columns.${c.field}` as 'stats.columns.received'), align: 'end', wideOnly: c.wideOnly,
      render: (r) => {
        const value = formatFigure(r.values[c.field], c.kind);
        // The closed and due counts open the very cases they count.
        const drill = c.field === 'closed' ? r.closedDrill : c.field === 'due' ? r.dueDrill : null;
        return drill ? <Link to={drillLink(drill)} aria-label={t(c.field === 'closed' ? 'stats.closedDrillLabel' : 'stats.dueDrillLabel', { name: r.name, n: value })}>{value}</Link> : value;
      },
    })),
    {
      key: 'drill', header: t('stats.columns.cases'),
      render: (r) => (r.drill ? <Link to={drillLink(r.drill)} aria-label={t('stats.drillLabel', { name: r.name })}>{t('stats.drill')}</Link> : null),
    },
  ];
  return <Table caption={caption} columns={columns} rows={rows} rowKey={(r) => r.key} busy={busy} />;
}
