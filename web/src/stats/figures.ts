import type { CaseDrill, Figures } from './api';
import type { NamedGroup } from './group-names';

/** How a figure reads: a count, a rate (fraction → percent) or hours. */
export type FigureKind = 'count' | 'rate' | 'hours';

export interface FigureColumn {
  field: string;
  kind: FigureKind;
  /** Hidden on phones. */
  wideOnly?: boolean;
}

/** The columns of the case figures, in the order the README defines them. */
export const CASE_COLUMNS: FigureColumn[] = [
  { field: 'received', kind: 'count' },
  { field: 'registered', kind: 'count', wideOnly: true },
  { field: 'dispatched', kind: 'count', wideOnly: true },
  { field: 'closed', kind: 'count' },
  { field: 'due', kind: 'count', wideOnly: true },
  { field: 'closureRate', kind: 'rate' },
  { field: 'onTimeRate', kind: 'rate' },
  { field: 'reopenRate', kind: 'rate', wideOnly: true },
  { field: 'extensionRate', kind: 'rate', wideOnly: true },
  { field: 'satisfactionRate', kind: 'rate' },
  { field: 'averageHandlingHours', kind: 'hours', wideOnly: true },
];

/** The columns of the figures by post (actions per staff member). */
export const STAFF_COLUMNS: FigureColumn[] = ['received', 'registered', 'dispatched', 'handled', 'verified', 'closed'].map((field) => ({ field, kind: 'count' }));

/** One line of the table: a group, or the totals. */
export interface FigureRow {
  key: string;
  name: string;
  code: string | null;
  drill: CaseDrill | null;
  /** Lists the cases the row's `closed` counts. */
  closedDrill: CaseDrill | null;
  /** Lists the cases the row's `due` counts. */
  dueDrill: CaseDrill | null;
  values: Record<string, number | null>;
  total?: boolean;
}

/** The groups and the totals as rows of one shape, whatever the grouping; `nameOf` names a group in the interface language. */
export function rowsOf(figures: Figures, totalName: string, nameOf: (group: NamedGroup) => string): FigureRow[] {
  const groups = figures.groups as unknown as (Record<string, number | null> & NamedGroup & { code: string | null; drill: CaseDrill | null; closedDrill: CaseDrill | null; dueDrill: CaseDrill | null })[];
  return [
    ...groups.map((g) => ({ key: String(g.key), name: nameOf(g), code: g.code, drill: g.drill, closedDrill: g.closedDrill, dueDrill: g.dueDrill, values: g })),
    { key: 'total', name: totalName, code: null, drill: null, closedDrill: null, dueDrill: null, values: figures.totals as unknown as Record<string, number | null>, total: true },
  ];
}

export function columnsOf(figures: Figures): FigureColumn[] {
  return figures.groupBy === 'staff' ? STAFF_COLUMNS : CASE_COLUMNS;
}
