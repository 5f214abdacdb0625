import type { FeatureCollection } from 'geojson';
import { useUser } from '../app/auth';
import { getGrid, listGrids, type GridFeature } from './api';
import { useLoad } from './hooks';

/** The grids this grid worker works (网格员), as GeoJSON: those of her community naming her among their workers. */
export function useMyGrids(): { grids: GridFeature[]; outline: FeatureCollection | undefined; ready: boolean } {
  const user = useUser();
  const loaded = useLoad(async () => {
    const { items } = await listGrids(user.jurisdiction?.id);
    const features = await Promise.all(items.slice(0, 50).map((g) => getGrid(g.id)));
    return features.filter((f) => f.properties.workers.some((w) => w.userId === user.id));
  }, [user.id]);
  const grids = loaded.value ?? [];
  return { grids, outline: loaded.value ? { type: 'FeatureCollection', features: grids } : undefined, ready: !!loaded.value };
}
