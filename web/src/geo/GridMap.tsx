import { useEffect, useRef, useState } from 'react';
import type { Map as MapLibreMap, MapLayerMouseEvent } from 'maplibre-gl';
import type { Basemap, BoundaryCollection, GridFeature } from './api';
import { addOutlineLayers, fitTo, forDisplay, OUTLINE, setSource } from './layers';
import { MapView, styleFor } from './MapView';

export interface GridMapProps {
  label: string;
  basemap: Basemap | null;
  /** The outlines of the units inside the selected one. */
  units: BoundaryCollection | undefined;
  /** The grids inside the selected unit (none at city level). */
  grids: BoundaryCollection | undefined;
  /** The grid being looked at, outlined and fitted to. */
  selected: GridFeature | undefined;
  onUnitClick: (id: number) => void;
  onGridClick: (id: number) => void;
}

/** The geography map: units and grids of the selected area, the selected grid outlined in red. */
export function GridMap({ label, basemap, units, grids, selected, onUnitClick, onGridClick }: GridMapProps) {
  const [map, setMap] = useState<MapLibreMap | null>(null);
  // The map's click handler, registered once on load, reads the latest callbacks.
  const clicks = useRef({ onUnitClick, onGridClick });
  clicks.current = { onUnitClick, onGridClick };

  const onLoad = (m: MapLibreMap) => {
    setSource(m, 'units', null);
    setSource(m, 'grids', null);
    setSource(m, 'selected', null);
    addOutlineLayers(m, 'units', 'unit');
    addOutlineLayers(m, 'grids', 'grid');
    m.moveLayer('units-line');
    m.addLayer({ id: 'selected-fill', type: 'fill', source: 'selected', paint: { 'fill-color': OUTLINE.highlight, 'fill-opacity': 0.15 } });
    m.addLayer({ id: 'selected-line', type: 'line', source: 'selected', paint: { 'line-color': OUTLINE.highlight, 'line-width': 3 } });
    // Grids lie over units: a click inside a grid picks the grid.
    m.on('click', (e: MapLayerMouseEvent) => {
      const [hit] = m.queryRenderedFeatures(e.point, { layers: ['grids-fill', 'units-fill'] });
      if (!hit) return;
      if (hit.layer.id === 'grids-fill') clicks.current.onGridClick(Number(hit.properties.id));
      else clicks.current.onUnitClick(Number(hit.properties.id));
    });
    for (const layer of ['grids-fill', 'units-fill']) {
      m.on('mouseenter', layer, () => { m.getCanvas().style.cursor = 'pointer'; });
      m.on('mouseleave', layer, () => { m.getCanvas().style.cursor = ''; });
    }
    setMap(m);
  };

  useEffect(() => {
    if (!map) return;
    setSource(map, 'units', units ? forDisplay(units, basemap) : null);
    setSource(map, 'grids', grids ? forDisplay(grids, basemap) : null);
    if (!selected) {
      const shown = grids?.features.length ? grids : units;
      if (shown?.features.length) fitTo(map, forDisplay(shown, basemap));
    }
  }, [map, units, grids, basemap, selected]);

  useEffect(() => {
    if (!map) return;
    setSource(map, 'selected', selected ? forDisplay(selected, basemap) : null);
    if (selected) fitTo(map, forDisplay(selected, basemap), 48);
  }, [map, selected, basemap]);

  const count = (units?.features.length ?? 0) + (grids?.features.length ?? 0);
  return (
    <MapView
      label={label} style={styleFor(basemap)} onLoad={onLoad} className="geo-map"
      regionProps={{ 'data-ready': map ? 'true' : 'false', 'data-outlines': count, 'data-selected-grid': selected?.properties.id ?? '' }}
    />
  );
}

