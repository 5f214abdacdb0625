/**
 * Deterministic subdivision of a boundary into pieces that tile it exactly.
 * Only districts have surveyed boundaries; the demo city's townships,
 * communities and grids are Voronoi cells clipped to their parent.
 */
import type { Position } from 'geojson';
import { Delaunay } from 'd3-delaunay';
import Flatbush from 'flatbush';
import clipping from 'polygon-clipping';
import type { Polygon as ClipPolygon, MultiPolygon as ClipMulti } from 'polygon-clipping';
import { bbox, fromClip, polygonsOf, toClip, type Area, type BBox } from './geometry.js';

/** Samples per seed for the Lloyd step: enough for a stable centroid, cheap to assign. */
const SAMPLES_PER_SEED = 24;
const LLOYD_ITERATIONS = 2;
/** Rejection sampling gives up after this many misses per wanted point and falls back to scanlines. */
const MISSES_PER_POINT = 64;
/** A failed attempt (an empty piece, a clipping error) is retried with fresh seeds. */
const ATTEMPTS = 3;

/**
 * mulberry32: a tiny, fast, deterministic PRNG returning floats in [0, 1).
 * Good enough for demo data; not for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A parent with its edges indexed, so point tests and cell checks need not scan every vertex. */
interface Prepared {
  box: BBox;
  /** x0, y0, x1, y1 per edge of every ring. */
  edges: Float64Array;
  index: Flatbush;
  clip: ClipPolygon | ClipMulti;
}

function prepare(parent: Area): Prepared {
  const rings = polygonsOf(parent).flat();
  const total = rings.reduce((n, ring) => n + ring.length - 1, 0);
  const edges = new Float64Array(total * 4);
  const index = new Flatbush(total);
  let e = 0;
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++, e++) {
      const [x0, y0, x1, y1] = [ring[i]![0]!, ring[i]![1]!, ring[i + 1]![0]!, ring[i + 1]![1]!];
      edges.set([x0, y0, x1, y1], e * 4);
      index.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
    }
  }
  index.finish();
  return { box: bbox(parent), edges, index, clip: toClip(parent) };
}

/** Where a horizontal line at `y` crosses the parent's edges, sorted; even-odd pairs are inside. */
function crossings(prep: Prepared, fromX: number, y: number): number[] {
  const xs: number[] = [];
  const { edges } = prep;
  for (const e of prep.index.search(fromX, y, prep.box[2], y)) {
    const [x0, y0, x1, y1] = [edges[e * 4]!, edges[e * 4 + 1]!, edges[e * 4 + 2]!, edges[e * 4 + 3]!];
    if (y0 > y === y1 > y) continue;
    const x = x0 + ((x1 - x0) * (y - y0)) / (y1 - y0);
    if (x > fromX) xs.push(x);
  }
  return xs.sort((a, b) => a - b);
}

/** Even-odd test, the same rule as pointInArea, using only edges the ray can meet. */
function contains(prep: Prepared, x: number, y: number): boolean {
  return crossings(prep, x, y).length % 2 === 1;
}

/**
 * Always finds an inside point, even in a thin diagonal sliver where
 * rejection sampling would rarely hit: a random row, then a random spot
 * on the inside stretches of that row (weighted by length).
 */
function scanlinePoint(prep: Prepared, rng: () => number): [number, number] {
  const [minX, minY, , maxY] = prep.box;
  for (let tries = 0; tries < 1000; tries++) {
    const y = minY + rng() * (maxY - minY);
    const xs = crossings(prep, minX - 1, y);
    let length = 0;
    for (let i = 0; i + 1 < xs.length; i += 2) length += xs[i + 1]! - xs[i]!;
    if (!(length > 0)) continue;
    let at = rng() * length;
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const span = xs[i + 1]! - xs[i]!;
      if (at <= span) return [xs[i]! + at, y];
      at -= span;
    }
  }
  throw new Error('subdivide: could not place a point inside the parent');
}

/** `n` distinct points inside the parent, flat [x0, y0, x1, y1, ...]; uniform unless the parent is a sliver. */
function samplePoints(prep: Prepared, n: number, rng: () => number): number[] {
  const [minX, minY, maxX, maxY] = prep.box;
  const seen = new Set<string>();
  const points: number[] = [];
  let misses = 0;
  while (points.length < n * 2) {
    let x: number;
    let y: number;
    if (misses < n * MISSES_PER_POINT) {
      x = minX + rng() * (maxX - minX);
      y = minY + rng() * (maxY - minY);
      if (!contains(prep, x, y)) {
        misses++;
        continue;
      }
    } else {
      [x, y] = scanlinePoint(prep, rng);
    }
    const key = `${x},${y}`;
    if (seen.has(key)) continue;
    seen.add(key);
    points.push(x, y);
  }
  return points;
}

/**
 * Moves each seed towards the centroid of the samples nearest to it (a
 * Monte-Carlo Lloyd step), so cells come out rounder. A centroid outside the
 * parent is replaced by the nearest of its samples: every seed must stay
 * inside, or its piece could be empty.
 */
function relax(prep: Prepared, seeds: Float64Array, samples: number[], kx: number): Float64Array {
  const count = seeds.length / 2;
  const delaunay = new Delaunay(scaled(seeds, kx));
  const sums = new Float64Array(count * 3);
  const owner = new Int32Array(samples.length / 2);
  let hint = 0;
  for (let s = 0; s < owner.length; s++) {
    hint = delaunay.find(samples[s * 2]! * kx, samples[s * 2 + 1]!, hint);
    owner[s] = hint;
    sums[hint * 3]! += samples[s * 2]!;
    sums[hint * 3 + 1]! += samples[s * 2 + 1]!;
    sums[hint * 3 + 2]! += 1;
  }
  const moved = Float64Array.from(seeds);
  const centroid = (i: number) => [sums[i * 3]! / sums[i * 3 + 2]!, sums[i * 3 + 1]! / sums[i * 3 + 2]!] as const;
  const strayed: boolean[] = [];
  for (let i = 0; i < count; i++) {
    if (sums[i * 3 + 2] === 0) continue;
    const [cx, cy] = centroid(i);
    if (contains(prep, cx, cy)) moved.set([cx, cy], i * 2);
    else strayed[i] = true;
  }
  const nearest = new Float64Array(count).fill(Infinity);
  for (let s = 0; s < owner.length; s++) {
    const i = owner[s]!;
    if (!strayed[i]) continue;
    const [cx, cy] = centroid(i);
    const d = ((samples[s * 2]! - cx) * kx) ** 2 + (samples[s * 2 + 1]! - cy) ** 2;
    if (d < nearest[i]!) {
      nearest[i] = d;
      moved.set([samples[s * 2]!, samples[s * 2 + 1]!], i * 2);
    }
  }
  // Coincident seeds would give an empty cell; keep the old seeds in that unlikely case.
  const keys = new Set<string>();
  for (let i = 0; i < count; i++) keys.add(`${moved[i * 2]},${moved[i * 2 + 1]}`);
  return keys.size === count ? moved : seeds;
}

/** Scales longitudes by cos(lat) so the Voronoi cells are round on the ground, not in degrees. */
function scaled(points: ArrayLike<number>, kx: number): Float64Array {
  const out = Float64Array.from(points);
  for (let i = 0; i < out.length; i += 2) out[i]! *= kx;
  return out;
}

/** Voronoi cells of the seeds over a box far beyond the parent, back in lon/lat, counter-clockwise. */
function voronoiCells(prep: Prepared, seeds: Float64Array, kx: number): Position[][] {
  const [minX, minY, maxX, maxY] = prep.box;
  const pad = Math.max((maxX - minX) * kx, maxY - minY, 1e-6);
  const voronoi = new Delaunay(scaled(seeds, kx)).voronoi([minX * kx - pad, minY - pad, maxX * kx + pad, maxY + pad]);
  const cells: Position[][] = [];
  for (let i = 0; i < seeds.length / 2; i++) {
    // Each vertex is unscaled the same way in every cell that shares it, so shared edges stay identical.
    const ring: Position[] = (voronoi.cellPolygon(i) ?? []).map(([x, y]) => [x! / kx, y!]);
    let twiceArea = 0;
    for (let j = 0; j + 1 < ring.length; j++) twiceArea += ring[j]![0]! * ring[j + 1]![1]! - ring[j + 1]![0]! * ring[j]![1]!;
    cells.push(twiceArea < 0 ? ring.reverse() : ring);
  }
  return cells;
}

/**
 * The cell's share of the parent. A cell whose box meets no parent edge
 * lies wholly inside (it holds a seed, and seeds are inside), so it is the
 * piece itself; only cells on the parent's boundary need clipping.
 */
function clipCell(prep: Prepared, cell: Position[]): Area | null {
  if (cell.length < 4) return null;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of cell as [number, number][]) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  if (prep.index.search(minX, minY, maxX, maxY).length === 0) return { type: 'Polygon', coordinates: [cell] };
  return fromClip(clipping.intersection([cell as [number, number][]], prep.clip));
}

function attempt(prep: Prepared, count: number, rng: () => number): Area[] | null {
  const [, minY, , maxY] = prep.box;
  const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const samples = samplePoints(prep, count * SAMPLES_PER_SEED, rng);
  let seeds: Float64Array = Float64Array.from(samples.slice(0, count * 2));
  for (let i = 0; i < LLOYD_ITERATIONS; i++) seeds = relax(prep, seeds, samples, kx);
  const pieces: Area[] = [];
  for (const cell of voronoiCells(prep, seeds, kx)) {
    const piece = clipCell(prep, cell);
    if (!piece) return null;
    pieces.push(piece);
  }
  return pieces;
}

/**
 * Splits `parent` into exactly `count` non-empty pieces that tile it: no
 * gaps, no overlaps, up to float rounding. The same parent, count and
 * random sequence always give the same pieces. An island that gets no seed
 * joins the nearest seed's piece, so pieces may be MultiPolygons.
 */
export function subdivide(parent: Area, count: number, rng: () => number): Area[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`subdivide: count must be a positive integer, got ${count}`);
  if (count === 1) return [parent];
  const prep = prepare(parent);
  let failure: unknown = null;
  for (let i = 0; i < ATTEMPTS; i++) {
    try {
      const pieces = attempt(prep, count, rng);
      if (pieces) return pieces;
    } catch (err) {
      // polygon-clipping can throw on rare degenerate inputs; other seeds avoid them.
      failure = err;
    }
  }
  throw new Error(`subdivide: no valid tiling into ${count} pieces after ${ATTEMPTS} attempts`, { cause: failure });
}
