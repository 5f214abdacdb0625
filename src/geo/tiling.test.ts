import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FeatureCollection, Position } from 'geojson';
import { areaM2, outsideM2, overlapM2, validateArea, type Area } from './geometry.js';
import { mulberry32, subdivide } from './tiling.js';

/** The real district boundaries, as the repository ships them for the demo city. */
const NANTONG = fileURLToPath(new URL('../../demo-data/cities/nantong/districts.geojson', import.meta.url));

function district(code: string): Area {
  const collection = JSON.parse(readFileSync(NANTONG, 'utf8')) as FeatureCollection<Area, { code: string }>;
  const feature = collection.features.find((f) => f.properties.code === code);
  if (!feature) throw new Error(`district ${code} not in ${NANTONG}`);
  return feature.geometry;
}

function rect(x0: number, y0: number, x1: number, y1: number): Area {
  const ring: Position[] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
  return { type: 'Polygon', coordinates: [ring] };
}

/** Asserts the pieces tile the parent: valid, non-empty, inside it, not overlapping, areas adding up. */
function expectTiling(parent: Area, pieces: Area[]): void {
  const areas = pieces.map(areaM2);
  for (const piece of pieces) expect(validateArea(piece)).toEqual([]);
  for (const area of areas) expect(area).toBeGreaterThan(0);
  const total = areas.reduce((sum, a) => sum + a, 0);
  expect(Math.abs(total / areaM2(parent) - 1)).toBeLessThan(1e-6);
  pieces.forEach((piece, i) => expect(outsideM2(piece, parent) / areas[i]!).toBeLessThan(1e-6));
  for (let i = 0; i < pieces.length; i++) {
    for (let j = i + 1; j < pieces.length; j++) {
      expect(overlapM2(pieces[i]!, pieces[j]!) / Math.min(areas[i]!, areas[j]!)).toBeLessThan(1e-6);
    }
  }
}

describe('mulberry32', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const [a, b] = [mulberry32(7), mulberry32(7)];
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mulberry32(8)()).not.toBe(xs[0]);
  });
});

describe('subdivide', () => {
  it('returns the parent itself for one piece and refuses a count below one', () => {
    const square = rect(0, 0, 1, 1);
    expect(subdivide(square, 1, mulberry32(1))).toEqual([square]);
    expect(() => subdivide(square, 0, mulberry32(1))).toThrow(RangeError);
    expect(() => subdivide(square, 2.5, mulberry32(1))).toThrow(RangeError);
  });

  it('tiles a real district (通州区, 2,223 vertices) with 30 pieces', () => {
    const parent = district('320612');
    const pieces = subdivide(parent, 30, mulberry32(2024));
    expect(pieces).toHaveLength(30);
    expectTiling(parent, pieces);
  });

  it('tiles a district made of islands (如东县, a MultiPolygon)', () => {
    const parent = district('320623');
    expect(parent.type).toBe('MultiPolygon');
    const pieces = subdivide(parent, 12, mulberry32(5));
    expect(pieces).toHaveLength(12);
    expectTiling(parent, pieces);
  });

  it('gives the same pieces for the same seed, and others for another', () => {
    const parent = district('320613');
    const first = subdivide(parent, 15, mulberry32(99));
    expect(subdivide(parent, 15, mulberry32(99))).toEqual(first);
    expect(subdivide(parent, 15, mulberry32(100))).not.toEqual(first);
  });

  it('tiles pieces of pieces, as the demo hierarchy does', () => {
    const rng = mulberry32(3);
    const [township] = subdivide(district('320681'), 18, rng);
    const communities = subdivide(township!, 15, rng);
    expectTiling(township!, communities);
    expectTiling(communities[0]!, subdivide(communities[0]!, 5, rng));
  });

  it('places seeds in a thin diagonal sliver where random points rarely land', () => {
    // Fills 1/4000 of its bounding box.
    const sliver: Area = { type: 'Polygon', coordinates: [[[120, 32], [121, 33], [121, 33.0005], [120, 32]]] };
    const pieces = subdivide(sliver, 8, mulberry32(11));
    expect(pieces).toHaveLength(8);
    expectTiling(sliver, pieces);
  });

  it('splits a small square into many pieces', () => {
    const square = rect(120.8, 32, 120.81, 32.01);
    const pieces = subdivide(square, 200, mulberry32(4));
    expect(pieces).toHaveLength(200);
    const total = pieces.reduce((sum, p) => sum + areaM2(p), 0);
    expect(Math.abs(total / areaM2(square) - 1)).toBeLessThan(1e-9);
    for (const piece of pieces) expect(validateArea(piece)).toEqual([]);
  });
});
