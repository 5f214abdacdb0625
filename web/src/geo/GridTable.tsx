import { useTranslation } from 'react-i18next';
import type { Page } from '../api/types';
import { formatNumber } from '../i18n/format';
import { Button, Pager, Table } from '../ui';
import type { GridSummary } from './api';

export interface GridTableProps {
  unitName: string;
  grids: Page<GridSummary> | undefined;
  busy: boolean;
  selectedId: number | null;
  onSelect: (id: number) => void;
  onPage: (page: number) => void;
}

/** The grids of the selected unit as a table: the map's text alternative, and the keyboard's way to a grid. */
export function GridTable({ unitName, grids, busy, selectedId, onSelect, onPage }: GridTableProps) {
  const { t } = useTranslation();
  return (
    <div className="grid-table">
      <Table
        caption={t('geo.gridsOf', { name: unitName })}
        busy={busy}
        empty={t('geo.noGrids')}
        rows={grids?.items ?? []}
        rowKey={(g) => g.id}
        columns={[
          { key: 'name', header: t('geo.grid'), render: (g) => <><span className="grid-name">{g.name}</span> <span className="muted">{g.code}</span></> },
          { key: 'community', header: t('geo.level.community'), render: (g) => g.community.name, wideOnly: true },
          { key: 'households', header: t('geo.households'), render: (g) => formatNumber(g.households), align: 'end', wideOnly: true },
          { key: 'area', header: t('geo.area'), render: (g) => t('geo.areaKm2', { value: formatNumber(g.areaM2 / 1e6, 2) }), align: 'end', wideOnly: true },
          {
            key: 'open', header: <span className="visually-hidden">{t('geo.members')}</span>,
            render: (g) => (
              <Button variant="link" aria-pressed={g.id === selectedId} onClick={() => onSelect(g.id)} aria-label={t('geo.showGrid', { name: g.name })}>
                {t('geo.members')}
              </Button>
            ),
          },
        ]}
      />
      {grids && grids.total > grids.pageSize && <Pager page={grids.page} pageSize={grids.pageSize} total={grids.total} onPage={onPage} />}
    </div>
  );
}
