import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { boundsOf, randomPoints, syntheticGrids } from '../../bench/grid-lookup.js';
import { GridIndex, type IndexedGrid } from './grid-index.js';

/** A Polygon grid from unclosed rings (outer first, then holes). */
const polygon = (id: string, ...rings: Position[][]): IndexedGrid => ({
  id,
  geometry: { type: 'Polygon', coordinates: rings.map((ring) => [...ring, ring[0]]) },
});

// Four cells around an off-centre vertex C, so the inner edges slope:
//   NW | NE       outer square [120.5, 120.51] × [31.7, 31.71]
//   ---C---       S, E, N, W: midpoints of the outer sides
//   SW | SE
const [x0, y0, x1, y1] = [120.5, 31.7, 120.51, 31.71];
const C: Position = [120.5062, 31.7041];
const S: Position = [120.505, y0];
const E: Position = [x1, 31.705];
const N: Position = [120.505, y1];
const W: Position = [x0, 31.705];
const quads = [
  polygon('SW', [[x0, y0], S, C, W]),
  polygon('SE', [S, [x1, y0], E, C]),
  polygon('NE', [C, E, [x1, y1], N]),
  polygon('NW', [W, C, N, [x0, y1]]),
];

/** An index over the grids in the given order and one over them reversed. */
const bothOrders = (grids: IndexedGrid[]) => [GridIndex.build(grids), GridIndex.build([...grids].reverse())];

describe('GridIndex', () => {
  const index = GridIndex.build(quads);

  it('finds the grid around an interior point', () => {
    expect(index.size).toBe(4);
    expect(index.locate(120.502, 31.702)).toBe('SW');
    expect(index.locate(120.508, 31.702)).toBe('SE');
    expect(index.locate(120.508, 31.708)).toBe('NE');
    expect(index.locate(120.502, 31.708)).toBe('NW');
  });

  it('gives a point on a shared edge to exactly one neighbour, the same whatever the build order', () => {
    for (const [a, b, owners] of [[C, E, ['SE', 'NE']], [C, N, ['NE', 'NW']], [W, C, ['SW', 'NW']], [S, C, ['SW', 'SE']]] as const) {
      for (const t of [0.25, 0.5, 0.75]) {
        const lon = a[0] + t * (b[0] - a[0]);
        const lat = a[1] + t * (b[1] - a[1]);
        const answers = bothOrders(quads).map((built) => built.locate(lon, lat));
        expect(owners).toContain(answers[0]);
        expect(answers[1]).toBe(answers[0]);
        expect(index.locate(lon, lat)).toBe(answers[0]);
      }
    }
  });

  it('gives a point on an exactly vertical edge to the grid east of it and on a horizontal one to the grid north', () => {
    const strips = [
      polygon('west', [[120.5, 31.7], [120.51, 31.7], [120.51, 31.71], [120.5, 31.71]]),
      polygon('east', [[120.51, 31.7], [120.52, 31.7], [120.52, 31.71], [120.51, 31.71]]),
      polygon('north', [[120.5, 31.71], [120.52, 31.71], [120.52, 31.72], [120.5, 31.72]]),
    ];
    for (const built of bothOrders(strips)) {
      expect(built.locate(120.51, 31.705)).toBe('east');
      expect(built.locate(120.505, 31.71)).toBe('north');
      expect(built.locate(120.51, 31.71)).toBe('north');
    }
  });

  it('gives the vertex shared by four cells to one of them, the same whatever the build order', () => {
    const answers = bothOrders(quads).map((built) => built.locate(C[0], C[1]));
    expect(['SW', 'SE', 'NE', 'NW']).toContain(answers[0]);
    expect(answers[1]).toBe(answers[0]);
  });

  it('answers points on the outer boundary and its corners', () => {
    for (const built of bothOrders(quads)) {
      expect(built.locate(120.502, y1)).toBe('NW');
      expect(built.locate(x1, 31.702)).toBe('SE');
      expect(built.locate(x0, 31.708)).toBe('NW');
      expect(built.locate(120.508, y0)).toBe('SE');
      expect(built.locate(x0, y0)).toBe('SW');
      expect(built.locate(x1, y0)).toBe('SE');
      expect(built.locate(x1, y1)).toBe('NE');
      expect(built.locate(x0, y1)).toBe('NW');
      expect(['SE', 'NE']).toContain(built.locate(E[0], E[1]));
      expect(built.locate(E[0], E[1])).toBe(index.locate(E[0], E[1]));
    }
  });

  it('answers undefined outside every grid', () => {
    expect(index.locate(120.49, 31.705)).toBeUndefined();
    expect(index.locate(x1 + 1e-9, 31.705)).toBeUndefined();
    expect(index.locate(120.505, y1 + 1e-9)).toBeUndefined();
    expect(index.locate(0, 0)).toBeUndefined();
    expect(GridIndex.build([]).locate(120.5, 31.7)).toBeUndefined();
  });

  it('answers undefined for NaN and infinite coordinates', () => {
    for (const [lon, lat] of [[NaN, 31.705], [120.505, NaN], [Infinity, 31.705], [120.505, -Infinity]]) {
      expect(index.locate(lon, lat)).toBeUndefined();
    }
  });

  describe('holes', () => {
    const outer: Position[] = [[120.5, 31.7], [120.53, 31.7], [120.53, 31.73], [120.5, 31.73]];
    const hole: Position[] = [[120.51, 31.71], [120.51, 31.72], [120.52, 31.72], [120.52, 31.71]];
    const ring = polygon('ring', outer, hole);
    const island = polygon('island', [...hole].reverse());

    it('gives a point in a hole to the grid filling it', () => {
      const built = GridIndex.build([ring, island]);
      expect(built.locate(120.515, 31.715)).toBe('island');
      expect(built.locate(120.505, 31.715)).toBe('ring');
    });

    it('answers undefined in a hole nothing fills, and the surrounding grid on the hole edge', () => {
      const built = GridIndex.build([ring]);
      expect(built.locate(120.515, 31.715)).toBeUndefined();
      expect(built.locate(120.52, 31.715)).toBe('ring');
      expect(built.locate(120.51, 31.715)).toBe('ring');
    });
  });

  it('answers the same grid in every part of a MultiPolygon', () => {
    const square = (x: number, y: number): Position[][] => [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]];
    const geometry: MultiPolygon = { type: 'MultiPolygon', coordinates: [square(120.5, 31.7), square(120.6, 31.8)] };
    const built = GridIndex.build([{ id: 'split', geometry }, polygon('between', [[120.52, 31.7], [120.58, 31.7], [120.58, 31.75]])]);
    expect(built.locate(120.505, 31.705)).toBe('split');
    expect(built.locate(120.605, 31.805)).toBe('split');
    expect(built.locate(120.55, 31.75)).toBeUndefined();
  });

  it('refuses a non-finite coordinate at build time', () => {
    expect(() => GridIndex.build([polygon('bad', [[120.5, 31.7], [NaN, 31.7], [120.51, 31.71]])])).toThrow(RangeError);
  });
});

describe('GridIndex on synthetic grids', () => {
  const grids = syntheticGrids(2000);
  const index = GridIndex.build(grids);
  const reversed = GridIndex.build([...grids].reverse());

  it('tiles the area with the requested number of grids, some holed and some split', () => {
    expect(grids).toHaveLength(2000);
    expect(new Set(grids.map((grid) => grid.id)).size).toBe(2000);
    expect(grids.some((grid) => grid.geometry.type === 'MultiPolygon')).toBe(true);
    expect(grids.some((grid) => grid.geometry.type === 'Polygon' && grid.geometry.coordinates.length > 1)).toBe(true);
  });

  it('agrees with a scan over every grid on 20,000 random points', () => {
    const bboxes = grids.map((grid) => boundsOf([grid]));
    const points = randomPoints(20_000, boundsOf(grids), 7);
    for (let i = 0; i < points.length; i += 2) {
      const lon = points[i];
      const lat = points[i + 1];
      const containing = grids.filter((grid, g) => {
        const b = bboxes[g];
        return lon >= b.minLon && lon <= b.maxLon && lat >= b.minLat && lat <= b.maxLat && inGeometry(grid.geometry, lon, lat);
      });
      // Exactly one: the synthetic grids really tile, so a single scan answer is the truth.
      expect(containing.map((grid) => grid.id)).toEqual([index.locate(lon, lat)]);
    }
  });

  it('gives every shared vertex and every point along an edge to a grid beside it, whatever the build order', () => {
    const owners = new Map<string, Set<string>>();
    const key = (p: Position) => `${p[0]},${p[1]}`;
    for (const grid of grids) {
      for (const ring of rings(grid.geometry)) for (const p of ring) owners.set(key(p), (owners.get(key(p)) ?? new Set()).add(grid.id));
    }
    const wrong: string[] = [];
    let checked = 0;
    for (const grid of grids) {
      for (const ring of rings(grid.geometry)) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const [a, b] = [ring[i], ring[i + 1]];
          const atA = owners.get(key(a))!;
          const beside = new Set([...atA].filter((id) => owners.get(key(b))!.has(id)));
          const checks: [Position, Set<string>][] = [[a, atA], [[(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], beside]];
          for (const [[lon, lat], expected] of checks) {
            const answer = index.locate(lon, lat);
            const again = reversed.locate(lon, lat);
            checked++;
            if (answer === undefined || !expected.has(answer) || again !== answer) wrong.push(`${lon},${lat}: ${answer} / ${again}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(40_000);
    expect(wrong).toEqual([]);
  });
});

function rings(geometry: Polygon | MultiPolygon): Position[][] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

/** Textbook even–odd ray casting, independent of the index's own test. */
function inGeometry(geometry: Polygon | MultiPolygon, x: number, y: number): boolean {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.some((polygon) => {
    let inside = false;
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  });
}
