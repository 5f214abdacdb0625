import type { Key, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface Column<T> {
  /** Stable id of the column. */
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  align?: 'start' | 'end';
  /** Hidden on phones (narrower than 640 px). */
  wideOnly?: boolean;
  /** Kept in sight at the end of the row while the table scrolls sideways: the row's main action. */
  pinned?: boolean;
}

export interface TableProps<T> {
  /** Names the table for screen readers (and shows it unless captionHidden). */
  caption: string;
  captionHidden?: boolean;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => Key;
  /** Shown in place of rows when there are none. */
  empty?: ReactNode;
  /** Marks the table busy while new rows load. */
  busy?: boolean;
}

/** A data table that scrolls sideways on narrow screens (its scroll area is focusable by keyboard). */
export function Table<T>({ caption, captionHidden, columns, rows, rowKey, empty, busy }: TableProps<T>) {
  const { t } = useTranslation();
  const classOf = (c: Column<T>) => [c.align === 'end' ? 'num' : '', c.wideOnly ? 'wide-only' : '', c.pinned ? 'pinned-end' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="table" aria-busy={busy || undefined}>
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={classOf(c)}>{c.header}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr><td colSpan={columns.length} className="table-empty">{empty ?? t('ui.empty')}</td></tr>
          ) : rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} className={classOf(c)}>{c.render(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
