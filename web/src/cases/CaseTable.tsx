import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../i18n/format';
import { Button, StatusBadge, Table, type Column } from '../ui';
import { CaseFlags } from './CaseFacts';
import { useCategoryName } from './hooks';
import type { CaseSummary, Category } from './types';

export interface CaseSelection {
  selected: ReadonlySet<number>;
  onChange: (next: Set<number>) => void;
}

export interface CaseTableProps {
  caption: string;
  rows: readonly CaseSummary[];
  categories: readonly Category[];
  busy?: boolean;
  empty?: string;
  /** Check boxes for bulk actions. */
  selection?: CaseSelection;
  /** A "work on it" button per row (queues open the case beside the list). */
  onOpen?: (row: CaseSummary) => void;
  openId?: number | null;
}

/** Cases as rows: ticket number (a link to the case), state, category, place, department, deadline. */
export function CaseTable({ caption, rows, categories, busy, empty, selection, onOpen, openId }: CaseTableProps) {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  const byCode = useMemo(() => new Map(categories.map((c) => [c.code, c])), [categories]);
  const columns: Column<CaseSummary>[] = [];
  if (selection) {
    const ids = rows.map((r) => r.id);
    const all = ids.length > 0 && ids.every((id) => selection.selected.has(id));
    columns.push({
      key: 'select',
      header: <input type="checkbox" checked={all} aria-label={t('cases.bulk.selectPage')} onChange={() => selection.onChange(new Set(all ? [] : ids))} />,
      render: (r) => (
        <input type="checkbox" checked={selection.selected.has(r.id)} aria-label={t('cases.bulk.selectOne', { ticketNo: r.ticketNo })}
          onChange={() => {
            const next = new Set(selection.selected);
            if (next.has(r.id)) next.delete(r.id); else next.add(r.id);
            selection.onChange(next);
          }} />
      ),
    });
  }
  // With a case open beside it the table has half the width, and the panel shows the case's words,
  // place and department: those columns give way rather than wrap a character to a line.
  const beside = openId !== undefined && openId !== null;
  // A case put away gives the keyboard back to its row's button, not to the page's body.
  const wasOpen = useRef<number | null>(null);
  useEffect(() => {
    if (wasOpen.current !== null && !beside) document.querySelector<HTMLButtonElement>(`button[data-work-on="${wasOpen.current}"]`)?.focus();
    wasOpen.current = openId ?? null;
  }, [openId, beside]);
  columns.push(
    { key: 'ticket', header: t('cases.column.ticket'), render: (r) => <Link to={`/cases/${r.id}`} className="ticket">{r.ticketNo}</Link> },
    { key: 'status', header: t('cases.column.status'), render: (r) => <span className="status-cell"><StatusBadge status={r.status} /><CaseFlags c={r} /></span> },
    { key: 'category', header: t('cases.column.category'), render: (r) => (r.categoryCode ? categoryName(byCode.get(r.categoryCode)) : <span className="muted">{t('cases.uncategorised')}</span>) },
    ...(beside ? [] : [
      { key: 'description', header: t('cases.column.description'), wideOnly: true, render: (r: CaseSummary) => <span className="clamp">{r.description}</span> },
      { key: 'address', header: t('cases.column.address'), wideOnly: true, render: (r: CaseSummary) => r.address ?? '—' },
      { key: 'department', header: t('cases.column.department'), wideOnly: true, render: (r: CaseSummary) => r.department?.name ?? '—' },
    ]),
    { key: 'received', header: t('cases.column.received'), wideOnly: true, render: (r) => <time dateTime={r.createdAt} className="nowrap">{formatDateTime(r.createdAt)}</time> },
    // In a queue the panel shows the deadline: on a phone the row keeps room for its button.
    { key: 'due', header: t('cases.column.due'), wideOnly: !!onOpen, render: (r) => (r.dueAt ? <time dateTime={r.dueAt}>{formatDateTime(r.dueAt)}</time> : '—') },
  );
  if (onOpen) {
    columns.push({
      // Pinned: on a phone the row is wider than the screen, and this is what the queue is for.
      key: 'open', header: <span className="visually-hidden">{t('cases.column.work')}</span>, pinned: true,
      render: (r) => (
        <Button variant={openId === r.id ? 'primary' : 'secondary'} aria-pressed={openId === r.id} onClick={() => onOpen(r)} aria-label={t('cases.workOn', { ticketNo: r.ticketNo })} data-work-on={r.id}>
          {t('cases.work')}
        </Button>
      ),
    });
  }
  return <Table caption={caption} captionHidden rows={rows} rowKey={(r) => r.id} columns={columns} busy={busy} empty={empty} />;
}
