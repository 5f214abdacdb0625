import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from 'geojson';
import { testInstance, type TestInstance } from '../../test/app.js';
import { polygonsOf, pointInArea, type Area } from './geometry.js';

let t: TestInstance;
let d1: ReturnType<TestInstance['as']>;
let admin: typeof d1;
let grids: { id: number; code: string; boundary: Area; path: string; community_id: number }[];
let district2Path: string;

beforeAll(async () => {
  t = await testInstance();
  d1 = t.as(await t.login('dispatcher_d1'));
  admin = t.as(await t.login('admin'));
  grids = (await t.env.db.selectFrom('grids').select(['id', 'code', 'boundary', 'path', 'community_id']).orderBy('id').execute()) as typeof grids;
  district2Path = (await t.env.db.selectFrom('admin_units').select('path').where('code', '=', '320612').executeTakeFirstOrThrow()).path;
});
afterAll(async () => { await t.close(); });

/** Distance in degrees from a point to the segment a–b. */
function segmentDistance(p: [number, number], a: Position, b: Position): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** A point clearly inside a grid: a triangle-fan centroid at least 1e-7° from every edge. */
function interiorPoint(area: Area): [number, number] {
  const rings = polygonsOf(area).flat();
  const ring = rings[0];
  for (let i = 1; i < ring.length - 1; i++) {
    const [a, b, c] = [ring[0], ring[i], ring[i + 1]];
    const p: [number, number] = [(a[0] + b[0] + c[0]) / 3, (a[1] + b[1] + c[1]) / 3];
    const clear = rings.every((r) => r.every((v, j) => j === 0 || segmentDistance(p, r[j - 1], v) > 1e-7));
    if (clear && pointInArea(p[0], p[1], area)) return p;
  }
  throw new Error('no interior point found');
}

const inDistrict2 = (g: { path: string }) => g.path.startsWith(district2Path);

describe('admin units', () => {
  it('refuses an anonymous caller', async () => {
    expect((await t.app.inject({ url: '/api/v1/admin-units' })).statusCode).toBe(401);
  });

  it('refuses a role without geo.read', async () => {
    expect((await t.as(await t.login('citizen'))({ url: '/api/v1/admin-units' })).statusCode).toBe(403);
  });

  it('returns the whole tree to a city-wide user', async () => {
    const res = await admin({ url: '/api/v1/admin-units' });
    expect(res.statusCode).toBe(200);
    const [city] = res.json().items;
    expect(city).toMatchObject({ code: '320600', name: '南通市', level: 'city' });
    expect(city.children.map((d: { code: string }) => d.code).sort()).toEqual(['320612', '320613']);
    const township = city.children[0].children[0];
    expect(township.level).toBe('township');
    expect(township.children[0].level).toBe('community');
  });

  it("hides units outside the caller's jurisdiction", async () => {
    const res = await d1({ url: '/api/v1/admin-units?maxLevel=township' });
    const roots = res.json().items;
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ code: '320613', name: '崇川区' });
    expect(roots[0].children[0].children).toEqual([]);
    const other = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320612').executeTakeFirstOrThrow();
    expect((await d1({ url: `/api/v1/admin-units/${other.id}` })).statusCode).toBe(404);
  });

  it('names a bad level', async () => {
    const res = await admin({ url: '/api/v1/admin-units?maxLevel=province' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('maxLevel');
  });
});

describe('grids', () => {
  it('lists grids paged, filtered by admin unit', async () => {
    const all = await admin({ url: '/api/v1/grids?pageSize=5' });
    expect(all.json()).toMatchObject({ total: grids.length, page: 1, pageSize: 5 });
    expect(all.json().items).toHaveLength(5);
    const community = grids[0].community_id;
    const one = await admin({ url: `/api/v1/grids?adminUnitId=${community}` });
    expect(one.json().items.map((g: { id: number }) => g.id).sort()).toEqual(grids.filter((g) => g.community_id === community).map((g) => g.id).sort());
    const page2 = await admin({ url: '/api/v1/grids?pageSize=5&page=2' });
    expect(page2.json().items[0].code > all.json().items[4].code).toBe(true);
  });

  it("hides grids outside the caller's jurisdiction", async () => {
    const list = await d1({ url: '/api/v1/grids?pageSize=500' });
    expect(list.json().total).toBe(grids.filter((g) => !inDistrict2(g)).length);
    const foreign = grids.find(inDistrict2)!;
    expect((await d1({ url: `/api/v1/grids/${foreign.id}` })).statusCode).toBe(404);
    const foreignGrids = await d1({ url: `/api/v1/grids?adminUnitId=${foreign.community_id}` });
    expect(foreignGrids.statusCode).toBe(404);
    expect(foreignGrids.json().error.field).toBe('adminUnitId');
    const [lon, lat] = interiorPoint(foreign.boundary);
    expect((await d1({ url: `/api/v1/grids/locate?lon=${lon}&lat=${lat}` })).statusCode).toBe(404);
  });

  it('returns one grid as a GeoJSON Feature with its chain, workers and liaisons', async () => {
    const res = await admin({ url: `/api/v1/grids/${grids[0].id}` });
    expect(res.statusCode).toBe(200);
    const feature = res.json();
    expect(feature.type).toBe('Feature');
    expect(['Polygon', 'MultiPolygon']).toContain(feature.geometry.type);
    expect(feature.properties.adminUnits.map((u: { level: string }) => u.level)).toEqual(['city', 'district', 'township', 'community']);
    expect(feature.properties.workers).toHaveLength(1);
    expect(feature.properties.leader.name).toBeTruthy();
    for (const liaison of ['policeOfficer', 'judge', 'prosecutor', 'lawyer']) expect(feature.properties.liaisons[liaison].name).toBeTruthy();
    // An auditor sees the same grid with phone numbers masked.
    const masked = await t.as(await t.login('auditor'))({ url: `/api/v1/grids/${grids[0].id}` });
    expect(masked.json().properties.workers[0].phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(feature.properties.workers[0].phone).toMatch(/^\d{11}$/);
  });

  it('answers 404 for an unknown grid and 400 naming a bad id', async () => {
    expect((await admin({ url: '/api/v1/grids/99999999' })).statusCode).toBe(404);
    const bad = await admin({ url: '/api/v1/grids/abc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('id');
  });
});

describe('locate', () => {
  it('answers the grid and admin chain of an interior point', async () => {
    for (const grid of grids) {
      const [lon, lat] = interiorPoint(grid.boundary);
      const res = await admin({ url: `/api/v1/grids/locate?lon=${lon}&lat=${lat}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().grid.id).toBe(grid.id);
      expect(res.json().adminUnits).toHaveLength(4);
    }
  });

  it('answers exactly one of the two grids for a point on their shared edge', async () => {
    const key = (p: Position) => `${p[0]},${p[1]}`;
    let found: { a: number; b: number; mid: [number, number] } | undefined;
    for (const a of grids) {
      const ring = polygonsOf(a.boundary)[0][0];
      for (const b of grids) {
        if (a.id >= b.id || found) continue;
        const other = new Set(polygonsOf(b.boundary).flat(2).map(key));
        for (let i = 0; i < ring.length - 1 && !found; i++) {
          if (other.has(key(ring[i])) && other.has(key(ring[i + 1]))) {
            found = { a: a.id, b: b.id, mid: [(ring[i][0] + ring[i + 1][0]) / 2, (ring[i][1] + ring[i + 1][1]) / 2] };
          }
        }
      }
    }
    expect(found).toBeDefined();
    const res = await admin({ url: `/api/v1/grids/locate?lon=${found!.mid[0]}&lat=${found!.mid[1]}` });
    expect(res.statusCode).toBe(200);
    expect([found!.a, found!.b]).toContain(res.json().grid.id);
  });

  it('answers 404 with a clear message for a point outside the city', async () => {
    const res = await admin({ url: '/api/v1/grids/locate?lon=100&lat=30' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/outside/);
  });

  it('names the field of bad coordinates', async () => {
    for (const [query, field] of [['lon=200&lat=30', 'lon'], ['lon=120&lat=-91', 'lat'], ['lon=abc&lat=30', 'lon'], ['lon=120', 'lat'], ['lon=120&lat=30&x=1', 'x']]) {
      const res = await admin({ url: `/api/v1/grids/locate?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toBe(field);
    }
  });
});
