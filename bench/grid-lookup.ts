/**
 * Point-to-grid lookup benchmark: GridIndex against a bare flatbush + ray-casting loop,
 * on synthetic grids that tile a rectangle near Nantong the way real grids tile a city.
 *
 *   npx tsx bench/grid-lookup.ts
 */
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { GridIndex, type IndexedGrid } from '../src/geo/grid-index.js';
import { mulberry32 } from '../src/geo/tiling.js';

/** The rectangle the synthetic grids tile (lon 120.5–121.5, lat 31.7–32.6). */
export const SYNTHETIC_AREA = { minLon: 120.5, minLat: 31.7, maxLon: 121.5, maxLat: 32.6 } as const;

/** A lon/lat bounding box. */
export interface Bbox { minLon: number; minLat: number; maxLon: number; maxLat: number }

/** What one benchmark run measured; rates are lookups per second, the best of several rounds. */
export interface GridLookupReport {
  grids: number;
  lookups: number;
  indexPerSec: number;
  barePerSec: number;
  /** indexPerSec / barePerSec: above 1 means the index beats the bare loop. */
  ratio: number;
  /** Share of the random points that fell in some grid. */
  hitRate: number;
  /** Best of three builds of the GridIndex, after a first one. */
  buildMs: number;
  /** The first build in the process, before the JIT has warmed to it (as at server start). */
  coldBuildMs: number;
  /** The index's typed-array bytes (tree and rings, not the id strings) per grid. */
  bytesPerGrid: number;
}


/** `count` uniform random points inside `bbox`, as [lon0, lat0, lon1, lat1, ...]. */
export function randomPoints(count: number, bbox: Bbox, seed = 1): Float64Array {
  const rng = mulberry32(seed);
  const points = new Float64Array(count * 2);
  for (let i = 0; i < points.length; i += 2) {
    points[i] = bbox.minLon + rng() * (bbox.maxLon - bbox.minLon);
    points[i + 1] = bbox.minLat + rng() * (bbox.maxLat - bbox.minLat);
  }
  return points;
}

/**
 * Times GridIndex.locate against a bare flatbush + ray-casting loop over the same grids and the
 * same `lookups` random points in the grids' bounding box. The two alternate for a few rounds
 * and each keeps its best, so a noisy moment doesn't favour either.
 */
export function benchGridLookup(grids: IndexedGrid[], opts: { lookups: number; seed?: number }): GridLookupReport {
  const points = randomPoints(opts.lookups, boundsOf(grids), opts.seed ?? 1);
  let start = performance.now();
  let index = GridIndex.build(grids);
  const coldBuildMs = performance.now() - start;
  let buildMs = Infinity;
  for (let round = 0; round < 3; round++) {
    start = performance.now();
    index = GridIndex.build(grids);
    buildMs = Math.min(buildMs, performance.now() - start);
  }
  const bare = bareLocator(grids);

  const runIndex = (count: number): number => {
    let hits = 0;
    for (let i = 0; i < 2 * count; i += 2) if (index.locate(points[i], points[i + 1]) !== undefined) hits++;
    return hits;
  };
  const runBare = (count: number): number => {
    let hits = 0;
    for (let i = 0; i < 2 * count; i += 2) if (bare(points[i], points[i + 1]) >= 0) hits++;
    return hits;
  };
  const time = (run: (count: number) => number): { ms: number; hits: number } => {
    const start = performance.now();
    const hits = run(opts.lookups);
    return { ms: performance.now() - start, hits };
  };

  // A slice is enough for both loops to reach optimised code before anything is timed.
  runIndex(Math.min(opts.lookups, 200_000));
  runBare(Math.min(opts.lookups, 200_000));
  let hits = 0;
  let indexMs = Infinity;
  let bareMs = Infinity;
  for (let round = 0; round < 3; round++) {
    const indexRound = time(runIndex);
    hits = indexRound.hits;
    indexMs = Math.min(indexMs, indexRound.ms);
    bareMs = Math.min(bareMs, time(runBare).ms);
  }
  const indexPerSec = (opts.lookups / indexMs) * 1000;
  const barePerSec = (opts.lookups / bareMs) * 1000;
  return {
    grids: grids.length,
    lookups: opts.lookups,
    indexPerSec,
    barePerSec,
    ratio: indexPerSec / barePerSec,
    hitRate: opts.lookups === 0 ? 0 : hits / opts.lookups,
    buildMs,
    coldBuildMs,
    bytesPerGrid: index.byteLength / Math.max(1, index.size),
  };
}

/** The union bounding box of the grids. */
export function boundsOf(grids: IndexedGrid[]): Bbox {
  const bbox = { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity };
  for (const grid of grids) {
    for (const ring of rings(grid.geometry)) {
      for (const [lon, lat] of ring) {
        bbox.minLon = Math.min(bbox.minLon, lon);
        bbox.minLat = Math.min(bbox.minLat, lat);
        bbox.maxLon = Math.max(bbox.maxLon, lon);
        bbox.maxLat = Math.max(bbox.maxLat, lat);
      }
    }
  }
  return bbox;
}

function rings(geometry: Polygon | MultiPolygon): Position[][] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

/**
 * The raw ceiling: one flatbush box per grid, the stock search(), then textbook ray casting on
 * the GeoJSON arrays as they are; the first candidate containing the point wins. Returns the
 * grid's position in `grids`, or -1.
 */
function bareLocator(grids: IndexedGrid[]): (lon: number, lat: number) => number {
  const tree = new Flatbush(grids.length);
  for (const grid of grids) {
    const { minLon, minLat, maxLon, maxLat } = boundsOf([grid]);
    tree.add(minLon, minLat, maxLon, maxLat);
  }
  tree.finish();
  const polygons = grids.map((grid) => grid.geometry.type === 'Polygon' ? [grid.geometry.coordinates] : grid.geometry.coordinates);
  return (lon, lat) => {
    for (const candidate of tree.search(lon, lat, lon, lat)) {
      for (const polygon of polygons[candidate]) {
        let inside = false;
        for (const ring of polygon) if (inRing(ring, lon, lat)) inside = !inside;
        if (inside) return candidate;
      }
    }
    return -1;
  };
}

function inRing(ring: Position[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0];
    const yi = ring[i][1];
    const xj = ring[j][0];
    const yj = ring[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * `n` grids tiling SYNTHETIC_AREA without gaps or overlaps: a jittered lattice whose edges are
 * polylines shared exactly between neighbours (8–16 vertices a cell, up to ~28 where a pair is
 * fused so the count comes out at exactly n). From n = 1000 on, one cell in a thousand has a
 * hole, filled alternately by an island grid of its own or by an exclave of the cell two columns
 * over (which makes that grid a MultiPolygon).
 */
export function syntheticGrids(n: number, seed = 1): IndexedGrid[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const rng = mulberry32(seed);
  const jitter = (amount: number) => (rng() * 2 - 1) * amount;
  const { minLon, minLat, maxLon, maxLat } = SYNTHETIC_AREA;

  const holeCount = Math.floor(n / 1000);
  const islandCount = Math.ceil(holeCount / 2);
  const cellCount = n - islandCount;
  const cols = Math.max(1, Math.round(Math.sqrt((cellCount * (maxLon - minLon)) / (maxLat - minLat))));
  const rows = Math.ceil(cellCount / cols);
  const dx = (maxLon - minLon) / cols;
  const dy = (maxLat - minLat) / rows;

  // Lattice corners; those on the outer boundary stay put so the area stays a rectangle.
  // ±0.15 of a cell keeps every corner angle wide enough that the bulging edges below never cross.
  const corner: Position[][] = [];
  for (let j = 0; j <= rows; j++) {
    const line: Position[] = [];
    for (let i = 0; i <= cols; i++) {
      const x = i === 0 ? minLon : i === cols ? maxLon : minLon + i * dx + (j === 0 || j === rows ? 0 : jitter(0.15 * dx));
      const y = j === 0 ? minLat : j === rows ? maxLat : minLat + j * dy + (i === 0 || i === cols ? 0 : jitter(0.15 * dy));
      line.push([x, y]);
    }
    corner.push(line);
  }
  // Each edge is computed once and used by both cells beside it, so shared edges match bit for bit.
  const edge = (a: Position, b: Position, bulgeX: number, bulgeY: number): Position[] => {
    const k = 1 + Math.floor(rng() * 3);
    const points = [a];
    for (let m = 1; m <= k; m++) {
      const t = m / (k + 1);
      points.push([a[0] + t * (b[0] - a[0]) + jitter(bulgeX), a[1] + t * (b[1] - a[1]) + jitter(bulgeY)]);
    }
    points.push(b);
    return points;
  };
  const horizontal: Position[][][] = []; // horizontal[j][i]: corner (i, j) → (i + 1, j)
  const vertical: Position[][][] = []; // vertical[j][i]: corner (i, j) → (i, j + 1)
  for (let j = 0; j <= rows; j++) {
    horizontal.push([]);
    for (let i = 0; i < cols; i++) {
      horizontal[j].push(edge(corner[j][i], corner[j][i + 1], 0, j === 0 || j === rows ? 0 : 0.05 * dy));
    }
  }
  for (let j = 0; j < rows; j++) {
    vertical.push([]);
    for (let i = 0; i <= cols; i++) {
      vertical[j].push(edge(corner[j][i], corner[j + 1][i], i === 0 || i === cols ? 0 : 0.05 * dx, 0));
    }
  }
  return assembleGrids({ rows, cols, dx, dy, cellCount, holeCount, horizontal, vertical, rng });
}

/** The jittered lattice syntheticGrids cuts into grids. */
interface Lattice {
  rows: number;
  cols: number;
  /** Cell width and height in degrees before jitter. */
  dx: number;
  dy: number;
  /** How many cells to end up with after fusing. */
  cellCount: number;
  holeCount: number;
  horizontal: Position[][][];
  vertical: Position[][][];
  rng: () => number;
}

/** Cuts the lattice into cells (fusing pairs to hit the count), then punches and fills the holes. */
function assembleGrids(l: Lattice): IndexedGrid[] {
  const { rows, cols, rng } = l;
  // rows * cols overshoots by fewer than cols cells; fuse that many horizontal pairs, spread over rows.
  const fused: Set<number>[] = Array.from({ length: rows }, () => new Set());
  for (let k = 0; k < rows * cols - l.cellCount; k++) {
    const r = k % rows;
    const slots = Math.floor(cols / 2);
    fused[r].add(2 * ((Math.floor(k / rows) + r * 7) % slots));
  }
  const cells: { id: string; c0: number; c1: number; rings: Position[][][] }[] = [];
  const cellAt: number[][] = [];
  for (let r = 0; r < rows; r++) {
    cellAt.push([]);
    for (let c = 0; c < cols; ) {
      const c1 = fused[r].has(c) ? c + 1 : c;
      for (let i = c; i <= c1; i++) cellAt[r].push(cells.length);
      cells.push({ id: `cell-${r}-${c}`, c0: c, c1, rings: [[cellRing(l, r, c, c1)]] });
      c = c1 + 1;
    }
  }
  const islands: IndexedGrid[] = [];
  for (let k = 0; k < l.holeCount; k++) {
    const r = Math.floor(((k + 0.5) * rows) / l.holeCount);
    // A single-column cell, so the hole sits in the middle of it, well clear of its edges.
    let c = Math.floor(rng() * cols);
    while (cells[cellAt[r][c]].c0 !== cells[cellAt[r][c]].c1) c = (c + 1) % cols;
    const ring = holeRing(l, r, c);
    const copy = () => ring.map((p) => [p[0], p[1]]);
    cells[cellAt[r][c]].rings[0].push(copy().reverse()); // holes run clockwise (RFC 7946)
    if (k % 2 === 0) islands.push({ id: `island-${k}`, geometry: { type: 'Polygon', coordinates: [copy()] } });
    else cells[cellAt[r][(c + 2) % cols]].rings.push([copy()]);
  }
  return [
    ...cells.map(({ id, rings }): IndexedGrid => ({
      id,
      geometry: rings.length === 1 ? ({ type: 'Polygon', coordinates: rings[0] } satisfies Polygon)
        : ({ type: 'MultiPolygon', coordinates: rings } satisfies MultiPolygon),
    })),
    ...islands,
  ];
}

/** The counter-clockwise outer ring of the cell spanning columns c0..c1 of row r. */
function cellRing(l: Lattice, r: number, c0: number, c1: number): Position[] {
  const ring: Position[] = [];
  const append = (points: Position[]) => {
    for (let i = ring.length === 0 ? 0 : 1; i < points.length; i++) ring.push([points[i][0], points[i][1]]);
  };
  for (let c = c0; c <= c1; c++) append(l.horizontal[r][c]);
  append(l.vertical[r][c1 + 1]);
  for (let c = c1; c >= c0; c--) append([...l.horizontal[r + 1][c]].reverse());
  append([...l.vertical[r][c0]].reverse());
  return ring;
}

/** A counter-clockwise 8–12-gon around the centre of cell (r, c), well clear of its jittered edges. */
function holeRing(l: Lattice, r: number, c: number): Position[] {
  const { minLon, minLat } = SYNTHETIC_AREA;
  const cx = minLon + (c + 0.5) * l.dx;
  const cy = minLat + (r + 0.5) * l.dy;
  const m = 8 + Math.floor(l.rng() * 5);
  const ring: Position[] = [];
  for (let q = 0; q < m; q++) {
    const angle = ((q + (l.rng() - 0.5) * 0.6) / m) * 2 * Math.PI;
    const radius = 0.15 + l.rng() * 0.07;
    ring.push([cx + Math.cos(angle) * radius * l.dx, cy + Math.sin(angle) * radius * l.dy]);
  }
  ring.push([ring[0][0], ring[0][1]]);
  return ring;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const grids = syntheticGrids(20_000);
  const report = benchGridLookup(grids, { lookups: 2_000_000 });
  const rate = (perSec: number) => `${(perSec / 1e6).toFixed(2)} M/s`;
  console.table({
    grids: report.grids,
    lookups: report.lookups,
    'GridIndex.locate': rate(report.indexPerSec),
    'bare flatbush + PIP': rate(report.barePerSec),
    'ratio (index / bare)': report.ratio.toFixed(2),
    'hit rate': `${(report.hitRate * 100).toFixed(2)} %`,
    'build (warm / cold)': `${report.buildMs.toFixed(1)} / ${report.coldBuildMs.toFixed(1)} ms`,
    'bytes per grid': Math.round(report.bytesPerGrid),
  });
}
