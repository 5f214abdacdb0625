import { describe, it, expect } from 'vitest';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import {
  areaM2,
  bbox,
  difference,
  intersection,
  outsideM2,
  overlapM2,
  pointInArea,
  union,
  validateArea,
  MAX_POSITIONS,
  type Area,
} from './geometry.js';

/** An axis-aligned rectangle ring, counter-clockwise and closed. */
function rect(x0: number, y0: number, x1: number, y1: number): Position[] {
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
}

function polygon(...rings: Position[][]): Polygon {
  return { type: 'Polygon', coordinates: rings };
}

function multi(...polygons: Position[][][]): MultiPolygon {
  return { type: 'MultiPolygon', coordinates: polygons };
}

/** A closed ring of n vertices on a circle; `twist` swaps two vertices to make it cross itself. */
function circle(n: number, cx: number, cy: number, r: number, twist = false): Position[] {
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) ring.push([cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n)]);
  if (twist) [ring[10], ring[11]] = [ring[11]!, ring[10]!];
  return [...ring, ring[0]!];
}

/** One degree of arc on the sphere turf uses, in metres. */
const DEGREE_M = (2 * Math.PI * 6378137) / 360;

describe('validateArea', () => {
  it('takes a detailed boundary, and refuses one too detailed to check without holding the server', () => {
    expect(validateArea(polygon(circle(8000, 120, 32, 0.1)))).toEqual([]);
    const many = validateArea(multi([circle(MAX_POSITIONS / 2, 120, 32, 0.1)], [circle(MAX_POSITIONS / 2, 121, 32, 0.1)]));
    expect(many).toEqual([`the boundary has ${MAX_POSITIONS + 2} positions, more than the ${MAX_POSITIONS} allowed: simplify it (e.g. to 1 m) first`]);
  });

  it('accepts a polygon with a hole', () => {
    expect(validateArea(polygon(rect(0, 0, 10, 10), rect(2, 2, 4, 4).reverse()))).toEqual([]);
  });

  it('accepts a multipolygon, including an island inside another part’s hole', () => {
    const ring = polygon(rect(0, 0, 10, 10), rect(2, 2, 8, 8)).coordinates;
    expect(validateArea(multi(ring, [rect(3, 3, 4, 4)], [rect(20, 20, 21, 21)]))).toEqual([]);
  });

  it('accepts altitudes, repeated positions and a hole touching its shell at a point', () => {
    const shell: Position[] = [[0, 0, 5], [10, 0, 5], [10, 0, 5], [10, 10, 5], [0, 10, 5], [0, 0, 5]];
    const hole: Position[] = [[0, 5], [5, 4], [5, 6], [0, 5]];
    expect(validateArea(polygon(shell, hole))).toEqual([]);
  });

  it('refuses something that is not an object', () => {
    for (const bad of [null, 'Polygon', 42, [rect(0, 0, 1, 1)]]) expect(validateArea(bad)).toEqual(['geometry is not an object']);
  });

  it('refuses other geometry types', () => {
    expect(validateArea({ type: 'Point', coordinates: [1, 2] })).toEqual(['type must be Polygon or MultiPolygon, not "Point"']);
    expect(validateArea({ type: 'Feature', geometry: polygon(rect(0, 0, 1, 1)) })[0]).toMatch(/type must be/);
    expect(validateArea({ coordinates: [] })[0]).toMatch(/type must be/);
  });

  it('refuses coordinates that are not arrays of finite numbers', () => {
    expect(validateArea({ type: 'Polygon', coordinates: 'x' })).toEqual(['coordinates must be an array']);
    expect(validateArea({ type: 'Polygon', coordinates: [] })).toEqual(['polygon has no rings']);
    expect(validateArea(polygon([[0, 0], [1, 0], [1, NaN], [0, 0]]))).toEqual([
      'ring 0 position 2 has a non-finite or non-numeric coordinate',
    ]);
    expect(validateArea({ type: 'Polygon', coordinates: [[[0, 0], [1, '0'], [1, 1], [0, 0]]] })[0]).toMatch(/position 1 has a non-finite/);
    expect(validateArea(polygon([[0, 0], [1, 0], [1, 1, 1, 1], [0, 0]]))).toEqual([
      'ring 0 position 2 must be [lon, lat] or [lon, lat, alt]',
    ]);
  });

  it('refuses latitudes and longitudes out of range', () => {
    expect(validateArea(polygon([[0, 0], [1, 0], [1, 95], [0, 0]]))).toEqual([
      'ring 0 position 2 is out of range: lon must be in [-180, 180], lat in [-90, 90]',
    ]);
    expect(validateArea(polygon(rect(179, 0, 181, 1)))[0]).toMatch(/position 1 is out of range/);
  });

  it('refuses a ring with too few positions', () => {
    expect(validateArea(polygon([[0, 0], [1, 0], [0, 0]]))).toEqual(['ring 0 has 3 positions; a ring needs at least 4']);
  });

  it('refuses an unclosed ring', () => {
    expect(validateArea(polygon([[0, 0], [1, 0], [1, 1], [0, 1]]))).toEqual(['ring 0 is not closed: first and last positions differ']);
  });

  it('refuses a ring with zero area', () => {
    expect(validateArea(polygon([[0, 0], [1, 1], [2, 2], [0, 0]]))).toEqual(['ring 0 has zero area']);
  });

  it('finds a bow-tie and says where', () => {
    expect(validateArea(polygon([[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]))).toEqual(['ring 0 intersects itself near [0.5, 0.5]']);
  });

  it('finds a ring touching itself and a spike doubling back', () => {
    const pinched: Position[] = [[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]];
    expect(validateArea(polygon(pinched))).toContain('ring 0 intersects itself near [1, 1]');
    const spike: Position[] = [[0, 0], [2, 0], [2, 1], [3, 1], [2, 1], [2, 2], [0, 2], [0, 0]];
    expect(validateArea(polygon(spike))[0]).toMatch(/^ring 0 intersects itself near \[/);
  });

  it('finds a crossing in a ring of several thousand vertices quickly', () => {
    const started = performance.now();
    expect(validateArea(polygon(circle(5000, 120, 32, 0.2)))).toEqual([]);
    const problems = validateArea(multi([circle(5000, 120, 32, 0.2, true)], [circle(3000, 121, 32, 0.2)]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^polygon 0 ring 0 intersects itself near \[120\.19/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a hole outside its shell, and one crossing it', () => {
    expect(validateArea(polygon(rect(0, 0, 10, 10), rect(20, 20, 21, 21)))).toEqual(['ring 1 is a hole outside its shell']);
    expect(validateArea(polygon(rect(0, 0, 10, 10), rect(8, 8, 12, 9)))[0]).toMatch(/^ring 1 crosses ring 0 near \[/);
  });

  it('refuses a hole inside another hole', () => {
    expect(validateArea(polygon(rect(0, 0, 10, 10), rect(1, 1, 9, 9), rect(2, 2, 3, 3)))).toEqual([
      'ring 2 is a hole inside hole ring 1',
    ]);
  });

  it('refuses multipolygon parts that overlap, cross or share an edge', () => {
    expect(validateArea(multi([rect(0, 0, 2, 2)], [rect(1, 1, 3, 3)]))[0]).toMatch(/^polygons 0 and 1 overlap near \[/);
    expect(validateArea(multi([rect(0, 0, 10, 10)], [rect(2, 2, 3, 3)]))).toEqual(['polygons 0 and 1 overlap: 1 lies inside 0']);
    expect(validateArea(multi([rect(0, 0, 1, 1)], [rect(1, 0, 2, 1)]))[0]).toMatch(/^polygons 0 and 1 share an edge/);
  });

  it('caps a long list of problems', () => {
    const broken: Position[] = [];
    for (let i = 0; i < 60; i++) broken.push([i, 0], [i + 0.5, 1], [i + 0.5, 0], [i, 1]);
    const problems = validateArea(polygon([...broken, [60, 5], [0, 5], broken[0]!]));
    expect(problems).toHaveLength(21);
    expect(problems[20]).toMatch(/^\.\.\.and \d+ more problems$/);
  });
});

describe('areaM2', () => {
  it('measures a one-degree square at the equator within 0.5 %', () => {
    expect(areaM2(polygon(rect(0, 0, 1, 1)))).toBeCloseTo(DEGREE_M ** 2, -8);
    expect(Math.abs(areaM2(polygon(rect(0, 0, 1, 1))) / DEGREE_M ** 2 - 1)).toBeLessThan(0.005);
  });

  it('measures a small square near Nantong by its shrunken longitude', () => {
    const expected = (0.01 * DEGREE_M) ** 2 * Math.cos((32.005 * Math.PI) / 180);
    expect(Math.abs(areaM2(polygon(rect(120.8, 32, 120.81, 32.01))) / expected - 1)).toBeLessThan(1e-4);
  });

  it('subtracts holes and ignores ring orientation', () => {
    const whole = areaM2(polygon(rect(0, 0, 1, 1)));
    expect(areaM2(polygon(rect(0, 0, 1, 1).reverse()))).toBeCloseTo(whole, 3);
    const holed = areaM2(polygon(rect(0, 0, 1, 1), rect(0.25, 0.25, 0.75, 0.75)));
    expect(holed).toBeCloseTo(whole - areaM2(polygon(rect(0.25, 0.25, 0.75, 0.75))), 3);
  });

  it('gives a polygon the sum of its pieces’ areas even when long edges are split', () => {
    const diamond = polygon([[121.5, 31.9], [121.6, 32.0], [121.5, 32.1], [121.4, 32.0], [121.5, 31.9]]);
    const halves = [intersection(diamond, polygon(rect(121, 31, 121.537, 33)))!, difference(diamond, polygon(rect(121, 31, 121.537, 33)))!];
    const sum = areaM2(halves[0]!) + areaM2(halves[1]!);
    expect(Math.abs(sum / areaM2(diamond) - 1)).toBeLessThan(1e-10);
  });
});

describe('bbox', () => {
  it('spans every part of a multipolygon', () => {
    expect(bbox(multi([rect(0, 0, 1, 1)], [rect(5, -2, 6, 3)]))).toEqual([0, -2, 6, 3]);
  });
});

describe('boolean operations', () => {
  const a = polygon(rect(0, 0, 2, 2));
  const b = polygon(rect(1, 1, 3, 3));
  const far = polygon(rect(10, 10, 11, 11));

  it('intersects overlapping squares and returns null for disjoint ones', () => {
    const common = intersection(a, b);
    expect(common?.type).toBe('Polygon');
    expect(bbox(common!)).toEqual([1, 1, 2, 2]);
    expect(intersection(a, far)).toBeNull();
  });

  it('subtracts, and returns null when nothing is left', () => {
    const rest = difference(a, b)!;
    expect(areaM2(rest) / areaM2(a)).toBeCloseTo(0.75, 3);
    expect(difference(polygon(rect(1, 1, 2, 2)), a)).toBeNull();
  });

  it('unions into one polygon when touching and a multipolygon when apart', () => {
    expect(union(polygon(rect(0, 0, 1, 1)), polygon(rect(1, 0, 2, 1)))).toMatchObject({ type: 'Polygon' });
    const apart = union(a, far)!;
    expect(apart.type).toBe('MultiPolygon');
    expect(validateArea(apart)).toEqual([]);
    expect(union()).toBeNull();
  });

  it('measures overlap and the part left outside', () => {
    expect(overlapM2(a, b) / areaM2(polygon(rect(1, 1, 2, 2)))).toBeCloseTo(1, 6);
    expect(overlapM2(a, far)).toBe(0);
    expect(outsideM2(polygon(rect(0.5, 0.5, 1.5, 1.5)), a)).toBe(0);
    expect(outsideM2(a, far)).toBe(areaM2(a));
    expect(outsideM2(b, a) / areaM2(b)).toBeCloseTo(0.75, 3);
  });
});

describe('pointInArea', () => {
  const holed: Area = multi(polygon(rect(0, 0, 10, 10), rect(2, 2, 8, 8)).coordinates, [rect(4, 4, 6, 6)]);

  it('respects holes and islands', () => {
    expect(pointInArea(1, 1, holed)).toBe(true);
    expect(pointInArea(3, 3, holed)).toBe(false);
    expect(pointInArea(5, 5, holed)).toBe(true);
    expect(pointInArea(11, 5, holed)).toBe(false);
  });
});
