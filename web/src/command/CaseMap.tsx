import { useEffect, useRef, useState } from 'react';
import type { Map as MapLibreMap, MapLayerMouseEvent } from 'maplibre-gl';
import type { Basemap, BoundaryCollection } from '../geo/api';
import { addOutlineLayers, fitTo, forDisplay, setSource } from '../geo/layers';
import { MapView, styleFor } from '../geo/MapView';
import type { CasePoints } from './api';
import { addCaseLayers, CLUSTER_LAYER, CLUSTER_SOURCE, HEAT_SOURCE, openCluster, POINT_LAYER, showClusterCounts, showHeat } from './caseLayers';

export interface CaseMapProps {
  label: string;
  basemap: Basemap | null;
  areas: BoundaryCollection | undefined;
  grids: BoundaryCollection | undefined;
  points: CasePoints | undefined;
  heat: boolean;
  onOpenCase: (id: number) => void;
}

/**
 * The jurisdiction's map: its areas and grids, and its cases as clusters that open on click,
 * or as a heat map. A single case opens its page. The region carries what it drew
 * (data-points, data-rendered-cases, data-rendered-grids) for tests and diagnosis.
 */
export function CaseMap({ label, basemap, areas, grids, points, heat, onOpenCase }: CaseMapProps) {
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [rendered, setRendered] = useState({ cases: 0, grids: 0 });
  const open = useRef(onOpenCase);
  open.current = onOpenCase;
  const fitted = useRef(false);

  const onLoad = (m: MapLibreMap) => {
    setSource(m, 'areas', null);
    setSource(m, 'grids', null);
    addOutlineLayers(m, 'areas', 'unit');
    addOutlineLayers(m, 'grids', 'grid');
    // Area borders over grid borders.
    m.moveLayer('areas-line');
    addCaseLayers(m);
    m.on('click', POINT_LAYER, (e: MapLayerMouseEvent) => {
      const id = Number(e.features?.[0]?.properties.id);
      if (id) open.current(id);
    });
    m.on('click', CLUSTER_LAYER, (e: MapLayerMouseEvent) => { if (e.features?.[0]) void openCluster(m, e.features[0]); });
    for (const layer of [POINT_LAYER, CLUSTER_LAYER]) {
      m.on('mouseenter', layer, () => { m.getCanvas().style.cursor = 'pointer'; });
      m.on('mouseleave', layer, () => { m.getCanvas().style.cursor = ''; });
    }
    m.on('idle', () => setRendered({
      cases: m.queryRenderedFeatures({ layers: [CLUSTER_LAYER, POINT_LAYER] }).reduce((n, f) => n + Number(f.properties.point_count ?? 1), 0),
      grids: new Set(m.queryRenderedFeatures({ layers: ['grids-line'] }).map((f) => f.properties.id)).size,
    }));
    setMap(m);
  };

  useEffect(() => (map ? showClusterCounts(map) : undefined), [map]);

  useEffect(() => {
    if (!map) return;
    setSource(map, 'areas', areas ? forDisplay(areas, basemap) : null);
    setSource(map, 'grids', grids ? forDisplay(grids, basemap) : null);
    const frame = areas?.features.length ? areas : grids;
    if (frame?.features.length && !fitted.current) {
      fitted.current = true;
      fitTo(map, forDisplay(frame, basemap));
    }
  }, [map, areas, grids, basemap]);

  useEffect(() => {
    if (!map || !points) return;
    const shown = forDisplay(points, basemap);
    setSource(map, CLUSTER_SOURCE, shown);
    setSource(map, HEAT_SOURCE, shown);
  }, [map, points, basemap]);

  useEffect(() => { if (map) showHeat(map, heat); }, [map, heat]);

  return (
    <MapView
      label={label} style={styleFor(basemap)} onLoad={onLoad} className="command-map"
      regionProps={{
        'data-ready': map ? 'true' : 'false',
        'data-points': points?.features.length ?? 0,
        'data-grids': grids?.features.length ?? 0,
        'data-rendered-cases': rendered.cases,
        'data-rendered-grids': rendered.grids,
      }}
    />
  );
}
