import Flatbush from 'flatbush';
import { areaM2, bbox, outsideM2, overlapM2, type Area, type BBox } from './geometry.js';

/** A grid as an import proposes it. */
export interface ProposedGrid {
  index: number;
  code: string;
  communityCode: string;
  geometry: Area;
}

/** A grid already stored that proposed grids must not overlap. */
export interface NeighbourGrid {
  code: string;
  geometry: Area;
}

/**
 * Float rounding along shared edges leaves slivers of a few square centimetres;
 * anything larger than this share of the smaller area (or 1 m²) is a real overlap or gap.
 */
const RELATIVE_TOLERANCE = 1e-6;
const tolerance = (area: number) => Math.max(1, area * RELATIVE_TOLERANCE);

/**
 * Checks the rules a set of grids must keep (DOMAIN: no gaps, no overlaps, inside the
 * community). Returns problems by the proposed grid's index; geometry must already be valid.
 */
export function checkGridSet(
  grids: ProposedGrid[],
  communityBoundaries: Map<string, Area | null>,
  neighbours: NeighbourGrid[],
  onProgress?: (checked: number, total: number) => void,
): Map<number, string[]> {
  const problems = new Map<number, string[]>();
  const add = (index: number, message: string) => problems.set(index, [...(problems.get(index) ?? []), message]);
  const areas = grids.map((g) => areaM2(g.geometry));
  const boxes: BBox[] = grids.map((g) => bbox(g.geometry));

  for (const [i, g] of grids.entries()) {
    const community = communityBoundaries.get(g.communityCode);
    if (!community) continue;
    const outside = outsideM2(g.geometry, community);
    if (outside > tolerance(areas[i])) add(g.index, `lies ${Math.round(outside)} m² outside community ${g.communityCode}`);
  }

  const all = [...grids.map((g, i) => ({ code: g.code, geometry: g.geometry, box: boxes[i], area: areas[i], proposed: g })),
    ...neighbours.map((n) => { const box = bbox(n.geometry); return { code: n.code, geometry: n.geometry, box, area: areaM2(n.geometry), proposed: undefined }; })];
  if (all.length > 1) {
    const index = new Flatbush(all.length);
    for (const item of all) index.add(item.box[0], item.box[1], item.box[2], item.box[3]);
    index.finish();
    for (let i = 0; i < grids.length; i++) {
      if (i % 100 === 0) onProgress?.(i, grids.length);
      for (const j of index.search(...boxes[i])) {
        // Each pair of proposed grids once; a proposed grid against every neighbour.
        if (j === i || (j < grids.length && j < i)) continue;
        const other = all[j];
        const overlap = overlapM2(grids[i].geometry, other.geometry);
        if (overlap > tolerance(Math.min(areas[i], other.area))) {
          add(grids[i].index, `overlaps grid ${other.code} by ${Math.round(overlap)} m²`);
          if (other.proposed) add(other.proposed.index, `overlaps grid ${grids[i].code} by ${Math.round(overlap)} m²`);
        }
      }
    }
  }

  // With nothing outside and nothing overlapping, a community is covered exactly
  // when its grids' areas add up to its own.
  const byCommunity = new Map<string, number[]>();
  grids.forEach((g, i) => byCommunity.set(g.communityCode, [...(byCommunity.get(g.communityCode) ?? []), i]));
  for (const [code, members] of byCommunity) {
    const community = communityBoundaries.get(code);
    if (!community || members.some((i) => problems.has(grids[i].index))) continue;
    const covered = members.reduce((sum, i) => sum + areas[i], 0);
    const gap = areaM2(community) - covered;
    if (gap > tolerance(areaM2(community))) {
      add(grids[members[0]].index, `the grids of community ${code} leave ${Math.round(gap)} m² uncovered`);
    }
  }
  return problems;
}
