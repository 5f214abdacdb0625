import type { DataDrivenPropertyValueSpecification, GeoJSONSource, Map as MapLibreMap, MapGeoJSONFeature } from 'maplibre-gl';
import type { CaseStatus } from '../api/types';

/** The case layers of the command map: clusters, single cases coloured by status and overdue, and a heat map. */

/** How a status reads on the map (as StatusBadge groups them), and overdue above all. */
export const CASE_TONES = {
  overdue: '#c8102e',
  new: '#0b57a4',
  active: '#a35c00',
  waiting: '#6d1d63',
  done: '#1d6b35',
  ended: '#5b636e',
} as const;
export type CaseTone = keyof typeof CASE_TONES;

export const TONE_OF: Record<CaseStatus, Exclude<CaseTone, 'overdue'>> = {
  received: 'new', registered: 'new',
  dispatched: 'active', in_progress: 'active', reported: 'active', verified: 'active',
  returned: 'waiting', deferred: 'waiting', hung: 'waiting',
  closed: 'done',
  rejected: 'ended', void: 'ended', merged: 'ended', referred: 'ended',
};

function statusColour(): DataDrivenPropertyValueSpecification<string> {
  const byTone = (tone: Exclude<CaseTone, 'overdue'>) => (Object.keys(TONE_OF) as CaseStatus[]).filter((s) => TONE_OF[s] === tone);
  return [
    'case', ['get', 'overdue'], CASE_TONES.overdue,
    ['match', ['get', 'status'],
      byTone('new'), CASE_TONES.new,
      byTone('active'), CASE_TONES.active,
      byTone('waiting'), CASE_TONES.waiting,
      byTone('done'), CASE_TONES.done,
      CASE_TONES.ended],
  ] as DataDrivenPropertyValueSpecification<string>;
}

export const CLUSTER_SOURCE = 'cases';
export const HEAT_SOURCE = 'cases-heat';
export const CLUSTER_LAYER = 'case-clusters';
export const POINT_LAYER = 'case-points';
export const HEAT_LAYER = 'case-heat';

/** Adds the case sources (clustered, and plain for the heat map) and their layers, the heat map hidden. */
export function addCaseLayers(map: MapLibreMap): void {
  const empty = { type: 'FeatureCollection' as const, features: [] };
  map.addSource(CLUSTER_SOURCE, {
    type: 'geojson', data: empty, cluster: true, clusterRadius: 48, clusterMaxZoom: 14,
    // A cluster knows how many of its cases are overdue, and is drawn red if any is.
    clusterProperties: { overdue: ['+', ['case', ['get', 'overdue'], 1, 0]] },
  });
  map.addSource(HEAT_SOURCE, { type: 'geojson', data: empty });
  map.addLayer({
    id: HEAT_LAYER, type: 'heatmap', source: HEAT_SOURCE, layout: { visibility: 'none' },
    paint: {
      'heatmap-weight': ['case', ['get', 'overdue'], 2, 1],
      'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 8, 0.8, 15, 2.5],
      'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 8, 10, 15, 28],
      'heatmap-opacity': 0.8,
      'heatmap-color': ['interpolate', ['linear'], ['heatmap-density'], 0, 'rgba(255,255,255,0)', 0.2, '#fde0a8', 0.45, '#f5a142', 0.7, '#d9531e', 1, '#9f1d20'],
    },
  });
  map.addLayer({
    id: CLUSTER_LAYER, type: 'circle', source: CLUSTER_SOURCE, filter: ['has', 'point_count'],
    paint: {
      'circle-color': ['case', ['>', ['get', 'overdue'], 0], CASE_TONES.overdue, CASE_TONES.new],
      'circle-opacity': 0.85,
      'circle-radius': ['step', ['get', 'point_count'], 14, 10, 18, 50, 23, 200, 29],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
  });
  map.addLayer({
    id: POINT_LAYER, type: 'circle', source: CLUSTER_SOURCE, filter: ['!', ['has', 'point_count']],
    paint: {
      'circle-color': statusColour(),
      'circle-radius': ['case', ['get', 'overdue'], 8, 6],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': ['case', ['get', 'overdue'], 2.5, 1.5],
    },
  });
}

/** Shows the heat map instead of the points, or the points instead. */
export function showHeat(map: MapLibreMap, heat: boolean): void {
  map.setLayoutProperty(HEAT_LAYER, 'visibility', heat ? 'visible' : 'none');
  for (const layer of [CLUSTER_LAYER, POINT_LAYER]) map.setLayoutProperty(layer, 'visibility', heat ? 'none' : 'visible');
}

/** Zooms in far enough to split a cluster. */
export async function openCluster(map: MapLibreMap, cluster: MapGeoJSONFeature): Promise<void> {
  const zoom = await map.getSource<GeoJSONSource>(CLUSTER_SOURCE)!.getClusterExpansionZoom(Number(cluster.properties.cluster_id));
  const [lon, lat] = (cluster.geometry as GeoJSON.Point).coordinates;
  // Marked as the user's move, so a later resize does not fit the whole area again (geo/layers fitTo).
  map.easeTo({ center: [lon, lat], zoom, duration: matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : 400 }, { originalEvent: 'cluster' });
}

/**
 * Draws each visible cluster's count as HTML over the map (the style has no glyphs, so the map
 * fetches no fonts); aria-hidden, since the counts are in the text beside the map.
 */
export function showClusterCounts(map: MapLibreMap): () => void {
  const overlay = document.createElement('div');
  overlay.className = 'cluster-counts';
  overlay.setAttribute('aria-hidden', 'true');
  map.getCanvasContainer().append(overlay);
  const labels = new Map<number, HTMLSpanElement>();
  let queued = false;
  const update = () => {
    queued = false;
    const seen = new Set<number>();
    if (map.getLayer(CLUSTER_LAYER) && map.getLayoutProperty(CLUSTER_LAYER, 'visibility') !== 'none') {
      for (const f of map.queryRenderedFeatures({ layers: [CLUSTER_LAYER] })) {
        const id = Number(f.properties.cluster_id);
        if (seen.has(id)) continue;
        seen.add(id);
        let label = labels.get(id);
        if (!label) {
          label = document.createElement('span');
          overlay.append(label);
          labels.set(id, label);
        }
        label.textContent = String(f.properties.point_count_abbreviated ?? f.properties.point_count);
        const p = map.project((f.geometry as GeoJSON.Point).coordinates as [number, number]);
        label.style.transform = `translate(${p.x}px, ${p.y}px) translate(-50%, -50%)`;
      }
    }
    for (const [id, label] of labels) if (!seen.has(id)) { label.remove(); labels.delete(id); }
  };
  const onRender = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(update);
  };
  map.on('render', onRender);
  return () => {
    map.off('render', onRender);
    overlay.remove();
  };
}
