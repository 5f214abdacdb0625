/**
 * Boundary geometry for admin units and grids: validation, geodesic area,
 * bounding boxes and the boolean operations (via polygon-clipping) that the
 * seeder and the jurisdiction checks need. Coordinates are WGS84 [lon, lat].
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import Flatbush from 'flatbush';
import clipping from 'polygon-clipping';
import type { MultiPolygon as ClipMulti, Polygon as ClipPolygon } from 'polygon-clipping';

/** The boundary of an admin unit or grid: one polygon, or several (islands). */
export type Area = Polygon | MultiPolygon;

/** [minX, minY, maxX, maxY] in degrees. */
export type BBox = [number, number, number, number];

/** Radius used by turf's area, so figures match what GIS users compute. */
const EARTH_RADIUS = 6378137;
/** A broken 3,000-vertex ring would otherwise yield thousands of messages. */
const MAX_PROBLEMS = 20;
/**
 * Positions one boundary may have. Real ones have thousands (the seed places' most detailed district:
 * 7,150); checking a boundary holds the server's one thread for about 40 µs a position, so a 64 MB
 * import file of one polygon would hold it for a minute.
 */
export const MAX_POSITIONS = 50_000;
/** Rings thinner than this (area / bbox extent²) are float debris from clipping. */
const SLIVER_RATIO = 1e-10;

/** The polygons of an area as a list, so callers need not branch on the type. */
export function polygonsOf(geom: Area): Position[][][] {
  return geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
}

// ---------------------------------------------------------------- validation

/**
 * Lists what is wrong with a would-be boundary; an empty list means it is a
 * valid Polygon or MultiPolygon. Structural problems (types, ranges, ring
 * sizes, closure) are reported first; topology (crossings, holes, overlapping
 * parts) is only checked once the structure is sound.
 */
export function validateArea(geom: unknown): string[] {
  if (typeof geom !== 'object' || geom === null || Array.isArray(geom)) return ['geometry is not an object'];
  const { type, coordinates } = geom as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    return [`type must be Polygon or MultiPolygon, not ${JSON.stringify(type) ?? 'undefined'}`];
  }
  const multi = type === 'MultiPolygon';
  const problems: string[] = [];
  const polygons = checkStructure(multi, coordinates, problems);
  const positions = polygons ? polygons.reduce((n, rings) => rings.reduce((m, ring) => m + ring.length, n), 0) : 0;
  if (positions > MAX_POSITIONS) {
    problems.push(`the boundary has ${positions} positions, more than the ${MAX_POSITIONS} allowed: simplify it (e.g. to 1 m) first`);
  }
  if (polygons && problems.length === 0) checkTopology(multi, polygons, problems);
  return capped(problems);
}

function capped(problems: string[]): string[] {
  const unique = [...new Set(problems)];
  if (unique.length <= MAX_PROBLEMS) return unique;
  return [...unique.slice(0, MAX_PROBLEMS), `...and ${unique.length - MAX_PROBLEMS} more problems`];
}

function ringName(multi: boolean, p: number, r: number): string {
  return multi ? `polygon ${p} ring ${r}` : `ring ${r}`;
}

function near(x: number, y: number): string {
  return `[${Number(x.toFixed(5))}, ${Number(y.toFixed(5))}]`;
}

/** Checks shapes, numbers, ranges, ring sizes, closure and non-zero area. */
function checkStructure(multi: boolean, coordinates: unknown, problems: string[]): Position[][][] | null {
  if (!Array.isArray(coordinates)) {
    problems.push('coordinates must be an array');
    return null;
  }
  const polygons: unknown[] = multi ? coordinates : [coordinates];
  if (polygons.length === 0) problems.push('MultiPolygon has no polygons');
  polygons.forEach((rings, p) => {
    const where = multi ? `polygon ${p}` : 'polygon';
    if (!Array.isArray(rings)) problems.push(`${where} is not an array of rings`);
    else if (rings.length === 0) problems.push(`${where} has no rings`);
    else rings.forEach((ring: unknown, r) => checkRing(ring, ringName(multi, p, r), problems));
  });
  return problems.length === 0 ? (polygons as Position[][][]) : null;
}

function checkRing(ring: unknown, name: string, problems: string[]): void {
  if (!Array.isArray(ring)) {
    problems.push(`${name} is not an array of positions`);
    return;
  }
  const before = problems.length;
  ring.forEach((pos: unknown, i) => {
    if (!Array.isArray(pos) || (pos.length !== 2 && pos.length !== 3)) {
      problems.push(`${name} position ${i} must be [lon, lat] or [lon, lat, alt]`);
    } else if (!pos.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      problems.push(`${name} position ${i} has a non-finite or non-numeric coordinate`);
    } else if (pos[0] < -180 || pos[0] > 180 || pos[1] < -90 || pos[1] > 90) {
      problems.push(`${name} position ${i} is out of range: lon must be in [-180, 180], lat in [-90, 90]`);
    }
  });
  if (problems.length > before) return;
  const positions = ring as Position[];
  if (positions.length < 4) {
    problems.push(`${name} has ${positions.length} positions; a ring needs at least 4`);
    return;
  }
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    problems.push(`${name} is not closed: first and last positions differ`);
    return;
  }
  if (collinear(positions)) problems.push(`${name} has zero area`);
}

/**
 * All positions on one line: a ring with no inside. (A signed area of zero
 * is not enough: a symmetric bow-tie has that too, and is reported as crossing.)
 */
function collinear(ring: Position[]): boolean {
  const [ax, ay] = [ring[0]![0]!, ring[0]![1]!];
  const far = ring.find((p) => p[0] !== ax || p[1] !== ay);
  if (!far) return true;
  return ring.every((p) => orient(ax, ay, far[0]!, far[1]!, p[0]!, p[1]!) === 0);
}

/** Segments of all rings, flattened so a spatial index can hold them. */
interface Segments {
  /** x0, y0, x1, y1 per segment. */
  xy: Float64Array;
  /** polygon index, ring index, position of the segment in its ring, ring segment count. */
  meta: Int32Array;
  count: number;
}

function collectSegments(polygons: Position[][][]): Segments {
  let total = 0;
  for (const rings of polygons) for (const ring of rings) total += ring.length - 1;
  const xy = new Float64Array(total * 4);
  const meta = new Int32Array(total * 4);
  let s = 0;
  polygons.forEach((rings, p) =>
    rings.forEach((ring, r) => {
      // Repeated consecutive positions are legal; dropping them keeps adjacency exact.
      const pts = ring.filter((pos, i) => i === 0 || pos[0] !== ring[i - 1]![0] || pos[1] !== ring[i - 1]![1]);
      const m = pts.length - 1;
      for (let k = 0; k < m; k++, s++) {
        xy.set([pts[k]![0]!, pts[k]![1]!, pts[k + 1]![0]!, pts[k + 1]![1]!], s * 4);
        meta.set([p, r, k, m], s * 4);
      }
    }),
  );
  return { xy, meta, count: s };
}

type Contact = { kind: 'none' } | { kind: 'cross' | 'touch' | 'overlap'; x: number; y: number };

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function within(a: number, b: number, v: number): boolean {
  return (a <= v && v <= b) || (b <= v && v <= a);
}

/** How two segments meet: a proper crossing, a touch at one point, or a collinear overlap. */
function contact(s: Float64Array, i: number, j: number): Contact {
  const [ax, ay, bx, by] = [s[i * 4]!, s[i * 4 + 1]!, s[i * 4 + 2]!, s[i * 4 + 3]!];
  const [cx, cy, dx, dy] = [s[j * 4]!, s[j * 4 + 1]!, s[j * 4 + 2]!, s[j * 4 + 3]!];
  const d1 = orient(cx, cy, dx, dy, ax, ay);
  const d2 = orient(cx, cy, dx, dy, bx, by);
  const d3 = orient(ax, ay, bx, by, cx, cy);
  const d4 = orient(ax, ay, bx, by, dx, dy);
  if (d1 * d2 < 0 && d3 * d4 < 0) {
    const t = d1 / (d1 - d2);
    return { kind: 'cross', x: ax + (bx - ax) * t, y: ay + (by - ay) * t };
  }
  if (d1 === 0 && d2 === 0) {
    // Collinear: compare the extents along the dominant axis.
    const useX = Math.abs(bx - ax) >= Math.abs(by - ay);
    const [a, b, c, d] = useX ? [ax, bx, cx, dx] : [ay, by, cy, dy];
    const lo = Math.max(Math.min(a, b), Math.min(c, d));
    const hi = Math.min(Math.max(a, b), Math.max(c, d));
    if (hi < lo) return { kind: 'none' };
    const at = (v: number) => (useX ? { x: v, y: ay + ((by - ay) * (v - ax)) / (bx - ax) } : { x: ax + ((bx - ax) * (v - ay)) / (by - ay), y: v });
    return { kind: hi > lo ? 'overlap' : 'touch', ...at(lo) };
  }
  if (d1 === 0 && within(cx, dx, ax) && within(cy, dy, ay)) return { kind: 'touch', x: ax, y: ay };
  if (d2 === 0 && within(cx, dx, bx) && within(cy, dy, by)) return { kind: 'touch', x: bx, y: by };
  if (d3 === 0 && within(ax, bx, cx) && within(ay, by, cy)) return { kind: 'touch', x: cx, y: cy };
  if (d4 === 0 && within(ax, bx, dx) && within(ay, by, dy)) return { kind: 'touch', x: dx, y: dy };
  return { kind: 'none' };
}

/**
 * Finds crossing edges with a packed R-tree over all segments, so the cost
 * is about O(n log n) rather than comparing every pair; then checks that
 * holes sit inside their shell and parts do not contain one another.
 */
function checkTopology(multi: boolean, polygons: Position[][][], problems: string[]): void {
  const segs = collectSegments(polygons);
  const { xy, meta } = segs;
  const index = new Flatbush(segs.count);
  for (let i = 0; i < segs.count; i++) {
    const [x0, y0, x1, y1] = [xy[i * 4]!, xy[i * 4 + 1]!, xy[i * 4 + 2]!, xy[i * 4 + 3]!];
    index.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
  }
  index.finish();
  const before = problems.length;
  for (let i = 0; i < segs.count; i++) {
    const [p, r, k, m] = [meta[i * 4]!, meta[i * 4 + 1]!, meta[i * 4 + 2]!, meta[i * 4 + 3]!];
    const [x0, y0, x1, y1] = [xy[i * 4]!, xy[i * 4 + 1]!, xy[i * 4 + 2]!, xy[i * 4 + 3]!];
    for (const j of index.search(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1))) {
      if (j <= i) continue;
      const c = contact(xy, i, j);
      if (c.kind === 'none') continue;
      const [q, s, l] = [meta[j * 4]!, meta[j * 4 + 1]!, meta[j * 4 + 2]!];
      const at = near(c.x, c.y);
      if (p === q && r === s) {
        // Neighbouring edges share a vertex; only a spike doubling back is wrong.
        const adjacent = l === k + 1 || (k === 0 && l === m - 1);
        if (!adjacent || c.kind === 'overlap') problems.push(`${ringName(multi, p, r)} intersects itself near ${at}`);
      } else if (p === q) {
        // Rings of one polygon may touch at a point, never cross or share an edge.
        if (c.kind !== 'touch') problems.push(`${ringName(multi, p, s)} crosses ${ringName(multi, p, r)} near ${at}`);
      } else if (c.kind === 'cross') {
        problems.push(`polygons ${p} and ${q} overlap near ${at}`);
      } else if (c.kind === 'overlap') {
        problems.push(`polygons ${p} and ${q} share an edge near ${at}`);
      }
    }
  }
  if (problems.length === before) checkNesting(multi, polygons, problems);
}

/** Where a point lies relative to a set of rings under the even-odd rule. */
function classify(x: number, y: number, rings: Position[][]): 'in' | 'out' | 'boundary' {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = [ring[i]![0]!, ring[i]![1]!];
      const [xj, yj] = [ring[j]![0]!, ring[j]![1]!];
      if (orient(xi, yi, xj, yj, x, y) === 0 && within(xi, xj, x) && within(yi, yj, y)) return 'boundary';
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside ? 'in' : 'out';
}

/** With no crossings, one point of a ring off the other's boundary settles containment. */
function ringInside(ring: Position[], rings: Position[][]): boolean | null {
  const n = ring.length - 1;
  for (let i = 0; i < 2 * n; i++) {
    const a = ring[i >> 1]!;
    const b = ring[(i >> 1) + 1]!;
    const [x, y] = i % 2 === 0 ? [a[0]!, a[1]!] : [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2];
    const where = classify(x, y, rings);
    if (where !== 'boundary') return where === 'in';
  }
  return null;
}

function boxContains(outer: BBox, inner: BBox): boolean {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}

function checkNesting(multi: boolean, polygons: Position[][][], problems: string[]): void {
  const boxes = polygons.map((rings) => rings.map(ringBBox));
  polygons.forEach((rings, p) => {
    const shell = rings[0]!;
    for (let h = 1; h < rings.length; h++) {
      if (!boxContains(boxes[p]![0]!, boxes[p]![h]!) || ringInside(rings[h]!, [shell]) === false) {
        problems.push(`${ringName(multi, p, h)} is a hole outside its shell`);
        continue;
      }
      for (let g = 1; g < rings.length; g++) {
        if (g !== h && boxContains(boxes[p]![g]!, boxes[p]![h]!) && ringInside(rings[h]!, [rings[g]!])) {
          problems.push(`${ringName(multi, p, h)} is a hole inside hole ${ringName(multi, p, g)}`);
        }
      }
    }
  });
  for (let p = 0; p < polygons.length; p++) {
    for (let q = 0; q < polygons.length; q++) {
      if (p === q || !boxContains(boxes[p]![0]!, boxes[q]![0]!)) continue;
      // Part q's shell lies in part p unless it sits in one of p's holes (an island in a lake).
      if (ringInside(polygons[q]![0]!, polygons[p]!)) problems.push(`polygons ${p} and ${q} overlap: ${q} lies inside ${p}`);
    }
  }
}

// ---------------------------------------------------------------- measurement

/** Shoelace area in square degrees, signed (positive when counter-clockwise). */
function planarRingArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  }
  return sum / 2;
}

/**
 * Ring area on the sphere, in m², unsigned. This is turf's formula (the sum
 * of Δλ·sin φ over the edges) except that sin φ is averaged exactly along each
 * edge instead of by the trapezoid rule. GeoJSON edges are straight in
 * lon/lat, as polygon-clipping cuts them, so with the exact mean a polygon's
 * area equals the sum of its pieces; turf's version drifts by up to 1e-4 when
 * kilometre-long edges are split.
 */
function ringAreaM2(ring: Position[]): number {
  const rad = Math.PI / 180;
  let total = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [a, b] = [ring[i]!, ring[i + 1]!];
    const half = ((b[1]! - a[1]!) * rad) / 2;
    // Mean of sin φ over the edge: sin(φ mid) · sin(h) / h, with h half the latitude span.
    const meanSin = Math.sin(((a[1]! + b[1]!) / 2) * rad) * (half === 0 ? 1 : Math.sin(half) / half);
    total += (b[0]! - a[0]!) * rad * meanSin;
  }
  return Math.abs(total * EARTH_RADIUS * EARTH_RADIUS);
}

/** Area in m² on a sphere of radius 6,378,137 m (as turf), holes subtracted. */
export function areaM2(geom: Area): number {
  let total = 0;
  for (const rings of polygonsOf(geom)) {
    rings.forEach((ring, r) => (total += r === 0 ? ringAreaM2(ring) : -ringAreaM2(ring)));
  }
  return total;
}

function ringBBox(ring: Position[]): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring as [number, number][]) {
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
  }
  return box;
}

/** [minX, minY, maxX, maxY] over the shells (holes lie within them). */
export function bbox(geom: Area): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const rings of polygonsOf(geom)) {
    const [x0, y0, x1, y1] = ringBBox(rings[0] ?? []);
    box[0] = Math.min(box[0], x0);
    box[1] = Math.min(box[1], y0);
    box[2] = Math.max(box[2], x1);
    box[3] = Math.max(box[3], y1);
  }
  return box;
}

/** Whether two boxes share any point. */
export function bboxesIntersect(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** Even-odd point test over every ring, so holes and islands count correctly. */
export function pointInArea(lon: number, lat: number, geom: Area): boolean {
  let inside = false;
  for (const rings of polygonsOf(geom)) {
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = [ring[i]![0]!, ring[i]![1]!];
        const [xj, yj] = [ring[j]![0]!, ring[j]![1]!];
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
  }
  return inside;
}

// ---------------------------------------------------------------- boolean operations

/** polygon-clipping wants [x, y] pairs; altitude, if any, is dropped. */
export function toClip(geom: Area): ClipPolygon | ClipMulti {
  const ring = (r: Position[]) => r.map((p): [number, number] => [p[0]!, p[1]!]);
  return geom.type === 'Polygon' ? geom.coordinates.map(ring) : geom.coordinates.map((rings) => rings.map(ring));
}

function isSliver(ring: Position[]): boolean {
  const [x0, y0, x1, y1] = ringBBox(ring);
  const extent = Math.max(x1 - x0, y1 - y0);
  return Math.abs(planarRingArea(ring)) <= SLIVER_RATIO * extent * extent;
}

/**
 * Turns polygon-clipping output into an Area: null when empty, a Polygon for
 * one part. Zero-area rings (float debris along shared edges) are dropped.
 */
export function fromClip(parts: ClipMulti): Area | null {
  const kept: Position[][][] = [];
  for (const rings of parts) {
    if (rings.length === 0 || isSliver(rings[0]!)) continue;
    kept.push([rings[0]!, ...rings.slice(1).filter((r) => !isSliver(r))]);
  }
  if (kept.length === 0) return null;
  return kept.length === 1 ? { type: 'Polygon', coordinates: kept[0]! } : { type: 'MultiPolygon', coordinates: kept };
}

/** Snaps to a 1e-9° grid (about 0.1 mm) and drops the repeated points that leaves. */
function snap(geom: ClipPolygon | ClipMulti): ClipMulti {
  const parts = (typeof geom[0]![0]![0] === 'number' ? [geom] : geom) as ClipMulti;
  return parts.map((rings) => rings.map((ring) => {
    const out: [number, number][] = [];
    for (const [x, y] of ring) {
      const p: [number, number] = [Math.round(x * 1e9) / 1e9, Math.round(y * 1e9) / 1e9];
      const last = out[out.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
    }
    return out;
  }));
}

/**
 * Runs a polygon-clipping operation. Its sweep line occasionally fails to close a ring
 * when vertices lie within a rounding error of another edge ("Unable to complete output
 * ring"); snapping both inputs to a 0.1 mm grid removes those near-coincidences.
 */
function clip(op: (a: ClipPolygon | ClipMulti, ...b: (ClipPolygon | ClipMulti)[]) => ClipMulti, geoms: Area[]): Area | null {
  const inputs = geoms.map(toClip);
  try {
    return fromClip(op(inputs[0]!, ...inputs.slice(1)));
  } catch {
    const snapped = inputs.map(snap);
    return fromClip(op(snapped[0]!, ...snapped.slice(1)));
  }
}

/** The part of `a` also in `b`, or null when they do not overlap. */
export function intersection(a: Area, b: Area): Area | null {
  if (!bboxesIntersect(bbox(a), bbox(b))) return null;
  return clip(clipping.intersection, [a, b]);
}

/** The part of `a` outside `b`, or null when `b` covers `a`. */
export function difference(a: Area, b: Area): Area | null {
  return clip(clipping.difference, [a, b]);
}

/** Everything covered by any of the areas, or null when given none. */
export function union(...geoms: Area[]): Area | null {
  if (geoms.length === 0) return null;
  return clip(clipping.union, geoms);
}

/** Area of `a ∩ b` in m²; 0 without clipping when the boxes are apart. */
export function overlapM2(a: Area, b: Area): number {
  const common = intersection(a, b);
  return common ? areaM2(common) : 0;
}

/** Area of `inner` that `outer` does not cover, in m². */
export function outsideM2(inner: Area, outer: Area): number {
  if (!bboxesIntersect(bbox(inner), bbox(outer))) return areaM2(inner);
  const rest = difference(inner, outer);
  return rest ? areaM2(rest) : 0;
}
