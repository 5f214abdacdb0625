/**
 * In-process point-to-grid lookup: which grid is this lon/lat in?
 *
 * A packed Hilbert R-tree (flatbush) over the bounding box of every polygon part narrows the
 * search to a few candidates, then a crossing-number test on rings flattened into one
 * Float64Array decides. Grids tile the city, so the test must give a point on an edge shared by
 * two grids to exactly one of them; see `contains`.
 */
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';

/** A grid as the index needs it: its id and its boundary in lon/lat (WGS 84). */
export interface IndexedGrid {
  id: string;
  geometry: Polygon | MultiPolygon;
}

/** How close (in degrees, about 0.1 µm) a point must be to a boundary to count as on it. */
const BOUNDARY_EPSILON = 1e-12;
// Point lookups on 20,000 grids ran ~10 % faster with nodes of 4 or 8 than with flatbush's default 16.
const NODE_SIZE = 8;

/** Finds the grid containing a point among many grids that tile an area. Immutable once built. */
export class GridIndex {
  /** How many grids were indexed (grids with empty geometry included). */
  readonly size: number;
  /** Bytes held in typed arrays (tree, rings, offsets); the id strings come on top. */
  readonly byteLength: number;

  private readonly ids: string[];
  /** Part p belongs to grid partGrid[p]. */
  private readonly partGrid: Uint32Array;
  /** Part p's rings are ringStart indices partRings[p] .. partRings[p + 1] - 1. */
  private readonly partRings: Uint32Array;
  /** Ring r's closed vertex list is coords[2 * ringStart[r]] .. coords[2 * ringStart[r + 1]] (exclusive). */
  private readonly ringStart: Uint32Array;
  /** x0, y0, x1, y1, ... for every ring, each closed (last vertex repeats the first). */
  private readonly coords: Float64Array;
  // flatbush's packed tree, walked here directly because its search() allocates two arrays per
  // call and answers every candidate, while a lookup wants the first hit and no garbage.
  private readonly boxes: Float64Array;
  private readonly nodes: Uint16Array | Uint32Array;
  private readonly levelBounds: Uint32Array;
  private readonly leafEnd: number;
  /** Reused traversal stack of (block start, level) pairs; lookups are synchronous so one suffices. */
  private readonly stack: Int32Array;

  private constructor(ids: string[], parts: PartArrays, tree: Flatbush | undefined) {
    this.size = ids.length;
    this.ids = ids;
    this.partGrid = parts.partGrid;
    this.partRings = parts.partRings;
    this.ringStart = parts.ringStart;
    this.coords = parts.coords;
    const walk = tree === undefined ? emptyTree() : treeArrays(tree);
    this.boxes = walk.boxes;
    this.nodes = walk.nodes;
    this.levelBounds = walk.levelBounds;
    this.leafEnd = walk.leafEnd;
    this.stack = new Int32Array(2 * NODE_SIZE * walk.levelBounds.length + 2);
    this.byteLength = (tree?.data.byteLength ?? 0) + this.partGrid.byteLength + this.partRings.byteLength
      + this.ringStart.byteLength + this.coords.byteLength + this.levelBounds.byteLength + this.stack.byteLength;
  }

  /**
   * Indexes the grids. Each polygon part gets its own tree entry, so an exclave far from the
   * rest of its grid doesn't inflate the grid's box. Throws a RangeError on a non-finite coordinate.
   */
  static build(grids: Iterable<IndexedGrid>): GridIndex {
    const list = Array.from(grids);
    const parts = flattenParts(list);
    const ids = list.map((grid) => grid.id);
    const count = parts.partGrid.length;
    if (count === 0) return new GridIndex(ids, parts, undefined);
    const tree = new Flatbush(count, NODE_SIZE);
    for (let i = 0; i < 4 * count; i += 4) tree.add(parts.boxes[i], parts.boxes[i + 1], parts.boxes[i + 2], parts.boxes[i + 3]);
    tree.finish();
    return new GridIndex(ids, parts, tree);
  }

  /**
   * The id of the grid containing the point, or undefined when it is in none or not finite.
   * A point on an edge between two grids gets the one east of it (north of it, for an
   * east–west edge) whatever order the grids were built in; a point on the area's outer
   * boundary, or within BOUNDARY_EPSILON of a grid's boundary, gets that grid (the smallest id
   * if several touch it).
   */
  locate(lon: number, lat: number): string | undefined {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
    let part = this.search(lon, lat, 0);
    // The strict test leaves out east and north outer edges (nothing lies beyond them to take
    // the point) and, in rare rounding cases, points right on a vertex: look for a boundary.
    if (part < 0) part = this.search(lon, lat, BOUNDARY_EPSILON);
    return part < 0 ? undefined : this.ids[this.partGrid[part]];
  }

  /**
   * Walks the tree over leaf boxes touching (x ± eps, y ± eps). With eps 0, the first part that
   * strictly contains the point; otherwise the touching part whose grid has the smallest id
   * (so the answer doesn't depend on tree order). -1 when none.
   */
  private search(x: number, y: number, eps: number): number {
    const { boxes, nodes, levelBounds, stack, leafEnd } = this;
    if (boxes.length === 0) return -1;
    const minX = x - eps;
    const minY = y - eps;
    const maxX = x + eps;
    const maxY = y + eps;
    let best = -1;
    let top = 0;
    stack[top++] = boxes.length - 4;
    stack[top++] = levelBounds.length - 1;
    while (top > 0) {
      const level = stack[--top];
      const first = stack[--top];
      const end = Math.min(first + NODE_SIZE * 4, levelBounds[level]);
      for (let pos = first; pos < end; pos += 4) {
        if (maxX < boxes[pos] || maxY < boxes[pos + 1] || minX > boxes[pos + 2] || minY > boxes[pos + 3]) continue;
        const index = nodes[pos >> 2];
        if (first >= leafEnd) {
          stack[top++] = index;
          stack[top++] = level - 1;
        } else if (eps === 0) {
          if (this.contains(index, x, y)) return index;
        } else if (this.touches(index, x, y, eps) && (best < 0 || this.idOf(index) < this.idOf(best))) {
          best = index;
        }
      }
    }
    return best;
  }

  /**
   * Crossing-number (even–odd) test over all rings of a part, so holes fall out. An edge is
   * crossed when it straddles y half-open (one end above y, the other at or below) and lies east
   * of x. The east test is evaluated from the edge's lower end to its upper one whichever way the
   * ring runs, so the two grids sharing an edge compute bit-identical products and agree on
   * which of them a point on it belongs to.
   */
  private contains(part: number, x: number, y: number): boolean {
    const { coords, ringStart } = this;
    let inside = false;
    for (let r = this.partRings[part], last = this.partRings[part + 1]; r < last; r++) {
      const end = 2 * ringStart[r + 1];
      let i = 2 * ringStart[r];
      let xi = coords[i];
      let yi = coords[i + 1];
      for (i += 2; i < end; i += 2) {
        const xj = coords[i];
        const yj = coords[i + 1];
        if (yi > y !== yj > y) {
          const east = yi < yj ? (y - yi) * (xj - xi) > (x - xi) * (yj - yi) : (y - yj) * (xi - xj) > (x - xj) * (yi - yj);
          if (east) inside = !inside;
        }
        xi = xj;
        yi = yj;
      }
    }
    return inside;
  }

  /** Whether the point lies within eps of any edge of the part. */
  private touches(part: number, x: number, y: number, eps: number): boolean {
    const { coords, ringStart } = this;
    for (let r = this.partRings[part], last = this.partRings[part + 1]; r < last; r++) {
      const end = 2 * ringStart[r + 1] - 2;
      for (let i = 2 * ringStart[r]; i < end; i += 2) {
        if (segmentDistanceSquared(x, y, coords[i], coords[i + 1], coords[i + 2], coords[i + 3]) <= eps * eps) return true;
      }
    }
    return false;
  }

  private idOf(part: number): string {
    return this.ids[this.partGrid[part]];
  }
}

/** Squared distance from (x, y) to the segment a–b. */
function segmentDistanceSquared(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / length2));
  const ex = x - (ax + t * dx);
  const ey = y - (ay + t * dy);
  return ex * ex + ey * ey;
}

/** Every polygon part of every grid, flattened; see the GridIndex fields of the same names. */
interface PartArrays {
  partGrid: Uint32Array;
  partRings: Uint32Array;
  ringStart: Uint32Array;
  coords: Float64Array;
  /** minX, minY, maxX, maxY per part. */
  boxes: Float64Array;
}

/**
 * Flattens the grids' polygon parts into typed arrays. A first pass sizes the arrays so the
 * second fills them without growing anything (pushing to plain arrays made build twice as slow).
 * Parts without an outer ring are skipped; unclosed rings are closed.
 */
function flattenParts(grids: readonly IndexedGrid[]): PartArrays {
  let partCount = 0;
  let ringCount = 0;
  let vertexCount = 0;
  for (const grid of grids) {
    for (const rings of polygonsOf(grid.geometry)) {
      if (rings.length === 0 || rings[0].length === 0) continue;
      partCount++;
      for (const ring of rings) {
        if (ring.length === 0) continue;
        ringCount++;
        vertexCount += ring.length + (isClosed(ring) ? 0 : 1);
      }
    }
  }
  const partGrid = new Uint32Array(partCount);
  const partRings = new Uint32Array(partCount + 1);
  const ringStart = new Uint32Array(ringCount + 1);
  const coords = new Float64Array(2 * vertexCount);
  const boxes = new Float64Array(4 * partCount);
  let part = 0;
  let ringEnd = 0;
  let c = 0;
  grids.forEach((grid, g) => {
    for (const rings of polygonsOf(grid.geometry)) {
      if (rings.length === 0 || rings[0].length === 0) continue;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const ring of rings) {
        if (ring.length === 0) continue;
        for (const position of ring) {
          const x = position[0];
          const y = position[1];
          if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`grid ${grid.id} has a non-finite coordinate`);
          coords[c++] = x;
          coords[c++] = y;
          if (x < minX) minX = x;
          if (y < minY) minY = y;
          if (x > maxX) maxX = x;
          if (y > maxY) maxY = y;
        }
        if (!isClosed(ring)) {
          coords[c++] = ring[0][0];
          coords[c++] = ring[0][1];
        }
        ringStart[++ringEnd] = c / 2;
      }
      boxes[4 * part] = minX;
      boxes[4 * part + 1] = minY;
      boxes[4 * part + 2] = maxX;
      boxes[4 * part + 3] = maxY;
      partGrid[part] = g;
      partRings[++part] = ringEnd;
    }
  });
  return { partGrid, partRings, ringStart, coords, boxes };
}

function polygonsOf(geometry: Polygon | MultiPolygon): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** GeoJSON rings repeat their first position at the end; the index relies on it. */
function isClosed(ring: Position[]): boolean {
  const head = ring[0];
  const tail = ring[ring.length - 1];
  return ring.length > 1 && head[0] === tail[0] && head[1] === tail[1];
}

interface TreeArrays {
  boxes: Float64Array;
  nodes: Uint16Array | Uint32Array;
  levelBounds: Uint32Array;
  leafEnd: number;
}

function emptyTree(): TreeArrays {
  return { boxes: new Float64Array(0), nodes: new Uint16Array(0), levelBounds: new Uint32Array(0), leafEnd: 0 };
}

/**
 * The arrays of a finished flatbush 4 tree: per node a box in `_boxes`, in `_indices` the item
 * (leaf) or first child's box offset (inner node), levels ending at `_levelBounds`. These are
 * internals, so check their shape and fail loudly if an upgrade changes them.
 */
function treeArrays(tree: Flatbush): TreeArrays {
  const boxes = tree._boxes;
  const nodes = tree._indices;
  const levelBounds = tree._levelBounds;
  if (!(boxes instanceof Float64Array) || nodes.length * 4 !== boxes.length || levelBounds.at(-1) !== boxes.length
    || levelBounds[0] !== tree.numItems * 4 || tree.nodeSize !== NODE_SIZE) {
    throw new Error('flatbush internals are not as GridIndex expects (written against flatbush 4.7)');
  }
  return { boxes, nodes, levelBounds: Uint32Array.from(levelBounds), leafEnd: tree.numItems * 4 };
}
