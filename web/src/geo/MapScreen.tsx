import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAddressParams } from '../app/address';
import './geo.css';
import { useUser } from '../app/auth';
import { positiveInt } from '../app/record-id';
import { Alert, ScreenTitle, Spinner, useErrorMessage } from '../ui';
import { fetchAdminTree, fetchBasemap, fetchBoundaries, fetchGrid, fetchGrids } from './api';
import { AdminTree, pathTo } from './AdminTree';
import { GridDetail } from './GridDetail';
import { GridMap } from './GridMap';
import { GridTable } from './GridTable';
import { ImportPanel } from './ImportPanel';
import { useResource } from './useResource';

/**
 * Geography (网格地图): the admin tree, the selected unit's units and grids on the map and in a
 * table, a grid's workers and liaisons, and (admins) imports. `?unit=&grid=` keep the place.
 */
export default function MapScreen() {
  const { t } = useTranslation();
  const user = useUser();
  const messageOf = useErrorMessage();
  const [params, updateAddress] = useAddressParams();
  const [page, setPage] = useState(1);

  const tree = useResource((signal) => fetchAdminTree(signal), []);
  const basemap = useResource((signal) => fetchBasemap(signal).catch(() => null), []);
  const unitId = positiveInt(params.get('unit')) ?? tree.data?.[0]?.id ?? null;
  const gridId = positiveInt(params.get('grid'));
  const chain = tree.data && unitId ? pathTo(tree.data, unitId) : null;
  const unit = chain?.[chain.length - 1];

  const units = useResource((signal) => (unit ? fetchBoundaries({ adminUnitId: unit.id, level: unit.level === 'community' ? 'community' : undefined }, signal) : Promise.resolve(undefined)), [unit?.id]);
  const gridOutlines = useResource((signal) => (unit && unit.level !== 'city' ? fetchBoundaries({ adminUnitId: unit.id, level: 'grid' }, signal) : Promise.resolve(undefined)), [unit?.id]);
  const gridPage = useResource((signal) => (unit ? fetchGrids(unit.id, page, signal) : Promise.resolve(undefined)), [unit?.id, page]);
  const grid = useResource((signal) => (gridId ? fetchGrid(gridId, signal) : Promise.resolve(undefined)), [gridId]);

  const select = (next: { unit?: number; grid?: number | null }) => {
    if (next.unit !== undefined) setPage(1);
    updateAddress((p) => {
      if (next.unit !== undefined) { p.set('unit', String(next.unit)); p.delete('grid'); }
      if (next.grid) p.set('grid', String(next.grid));
      else if (next.grid === null) p.delete('grid');
    });
  };
  const reloadAll = () => { tree.reload(); units.reload(); gridOutlines.reload(); gridPage.reload(); grid.reload(); };
  const failure = [tree, units, gridOutlines, gridPage, grid].find((r) => r.error)?.error;

  return (
    <section className="geo-screen">
      <ScreenTitle>{t('geo.mapTitle')}</ScreenTitle>
      {failure ? <Alert>{messageOf(failure)}</Alert> : null}
      <div className="geo-layout">
        <aside className="panel geo-aside">
          <h2>{t('geo.tree')}</h2>
          {tree.data
            ? <AdminTree units={tree.data} selectedId={unit?.id ?? null} onSelect={(u) => select({ unit: u.id })} initiallyOpen={new Set(chain?.map((u) => u.id) ?? [])} />
            : tree.loading && <Spinner />}
        </aside>
        <div className="geo-main">
          <p className="map-caption" aria-live="polite">
            {chain ? chain.map((u) => u.name).join(' / ') : ''}
            {gridOutlines.data && ` · ${t('geo.gridCount', { count: gridOutlines.data.features.length })}`}
          </p>
          {basemap.loading && basemap.data === undefined ? <div className="map-view map-pending"><Spinner /></div> : (
            <GridMap
              label={t('geo.mapLabel', { name: unit?.name ?? '' })}
              basemap={basemap.data ?? null}
              units={units.data}
              grids={gridOutlines.data}
              selected={gridId ? grid.data : undefined}
              onUnitClick={(id) => { if (id !== unit?.id) select({ unit: id }); }}
              onGridClick={(id) => select({ grid: id })}
            />
          )}
          {gridId && grid.data && <GridDetail key={grid.data.properties.id} grid={grid.data} editable={user.role === 'admin'} onChanged={grid.reload} />}
          <GridTable
            unitName={unit?.name ?? ''} grids={gridPage.data} busy={gridPage.loading} selectedId={gridId}
            onSelect={(id) => select({ grid: id })} onPage={setPage}
          />
        </div>
      </div>
      {user.role === 'admin' && <ImportPanel onImported={reloadAll} />}
    </section>
  );
}
