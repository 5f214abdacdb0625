import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from 'geojson';
import { testInstance, type TestInstance } from '../../test/app.js';
import { roundArea } from './geo.boundaries.js';
import { polygonsOf, type Area } from './geometry.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let admin: As;
let d1: As;
let units: { id: number; code: string; level: string; path: string }[];
let grids: { id: number; path: string }[];
const unit = (code: string) => units.find((u) => u.code === code)!;

beforeAll(async () => {
  t = await testInstance();
  admin = t.as(await t.login('admin'));
  d1 = t.as(await t.login('dispatcher_d1'));
  units = await t.env.db.selectFrom('admin_units').select(['id', 'code', 'level', 'path']).execute();
  grids = await t.env.db.selectFrom('grids').select(['id', 'path']).execute();
});
afterAll(async () => { await t.close(); });

const URL = '/api/v1/geo/boundaries.geojson';
const codesOf = (res: { json(): { features: { properties: { code: string } }[] } }) => res.json().features.map((f) => f.properties.code).sort();
const decimals = (v: number) => (String(v).split('.')[1] ?? '').length;

describe('GET /api/v1/geo/boundaries.geojson', () => {
  it('refuses an anonymous caller, and a resident', async () => {
    expect((await t.app.inject({ url: URL })).statusCode).toBe(401);
    expect((await t.as(await t.login('citizen'))({ url: URL })).statusCode).toBe(403);
  });

  it("hides outlines outside the caller's jurisdiction", async () => {
    const d1Path = unit('320613').path;
    const townships = await d1({ url: URL });
    expect(townships.statusCode).toBe(200);
    expect(townships.json()).toMatchObject({ type: 'FeatureCollection', adminUnitId: unit('320613').id, level: 'township' });
    expect(codesOf(townships)).toEqual(units.filter((u) => u.level === 'township' && u.path.startsWith(d1Path)).map((u) => u.code).sort());
    const gridIds = (await d1({ url: `${URL}?level=grid` })).json().features.map((f: { id: number }) => f.id).sort();
    expect(gridIds).toEqual(grids.filter((g) => g.path.startsWith(d1Path)).map((g) => g.id).sort());
    const foreign = await d1({ url: `${URL}?adminUnitId=${unit('320612').id}` });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.field).toBe('adminUnitId');
  });

  it('draws a city-wide caller the districts by default, and any level below on request', async () => {
    const districts = await admin({ url: URL });
    expect(districts.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(codesOf(districts)).toEqual(['320612', '320613']);
    const [feature] = districts.json().features;
    expect(feature).toMatchObject({ type: 'Feature', properties: { kind: 'adminUnit', level: 'district' } });
    expect(feature.id).toBe(feature.properties.id);
    expect(['Polygon', 'MultiPolygon']).toContain(feature.geometry.type);
    const communities = await admin({ url: `${URL}?adminUnitId=${unit('320613').id}&level=community` });
    expect(communities.json().features.length).toBe(units.filter((u) => u.level === 'community' && u.path.startsWith(unit('320613').path)).length);
    const all = await admin({ url: `${URL}?level=grid` });
    expect(all.json().features).toHaveLength(grids.length);
    expect(all.json().features[0].properties).toMatchObject({ kind: 'grid', level: 'grid' });
  });

  it('rounds every coordinate to about a metre and keeps rings closed', async () => {
    const res = await admin({ url: `${URL}?level=grid` });
    for (const f of res.json().features as { geometry: Area }[]) {
      for (const ring of polygonsOf(f.geometry).flat()) {
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[0]).toEqual(ring[ring.length - 1]);
        for (const [lon, lat] of ring) expect(Math.max(decimals(lon), decimals(lat))).toBeLessThanOrEqual(5);
      }
    }
  });

  it('answers 304 to a matching If-None-Match until the geography changes', async () => {
    const first = await d1({ url: URL });
    const tag = first.headers.etag as string;
    expect(tag).toMatch(/^"b-/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await d1({ url: URL, headers: { 'if-none-match': tag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // Another jurisdiction, level or area is another tag.
    expect((await admin({ url: URL })).headers.etag).not.toBe(tag);
    expect((await d1({ url: `${URL}?level=grid` })).headers.etag).not.toBe(tag);
    // Renaming a township changes the geography's revision, and so the tag.
    const township = units.find((u) => u.level === 'township' && u.path.startsWith(unit('320613').path))!;
    const parent = units.find((u) => township.path === `${u.path}${township.id}/`)!;
    const csv = `code,name,level,parent_code\n${township.code},改名街道,township,${parent.code}\n`;
    const imported = await admin({ method: 'POST', url: '/api/v1/geo/imports?kind=admin-units', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.statusCode, imported.body).toBe(201);
    const changed = await d1({ url: URL, headers: { 'if-none-match': tag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(tag);
    expect(changed.json().features.map((f: { properties: { name: string } }) => f.properties.name)).toContain('改名街道');
  });

  it('names the field of a bad query', async () => {
    const cases: [string, As, string][] = [
      ['level=province', admin, 'level'],
      ['adminUnitId=abc', admin, 'adminUnitId'],
      ['zoom=3', admin, 'zoom'],
      // Above the district the dispatcher looks at.
      ['level=city', d1, 'level'],
    ];
    for (const [query, as, field] of cases) {
      const res = await as({ url: `${URL}?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toBe(field);
    }
  });
});

describe('GET /api/v1/public/outline.geojson', () => {
  it('gives anyone the districts, no grids, with a tag that holds until the geography changes', async () => {
    const res = await t.app.inject({ url: '/api/v1/public/outline.geojson' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(res.headers['cache-control']).toBe('public, no-cache');
    expect(codesOf(res)).toEqual(units.filter((u) => u.level === 'district').map((u) => u.code).sort());
    expect(res.json().features.every((f: { properties: { kind: string } }) => f.properties.kind === 'adminUnit')).toBe(true);
    const tag = res.headers.etag as string;
    expect((await t.app.inject({ url: '/api/v1/public/outline.geojson', headers: { 'if-none-match': tag } })).statusCode).toBe(304);
    const district = unit('320612');
    const csv = `code,name,level,parent_code\n${district.code},改名区,district,${units.find((u) => u.level === 'city')!.code}\n`;
    expect((await admin({ method: 'POST', url: '/api/v1/geo/imports?kind=admin-units', payload: csv, headers: { 'content-type': 'text/csv' } })).statusCode).toBe(201);
    const changed = await t.app.inject({ url: '/api/v1/public/outline.geojson', headers: { 'if-none-match': tag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().features.map((f: { properties: { name: string } }) => f.properties.name)).toContain('改名区');
  });
});

describe('GET /api/v1/geo/map-settings', () => {
  it('refuses an anonymous caller and says there is no basemap unless one is configured', async () => {
    expect((await t.app.inject({ url: '/api/v1/geo/map-settings' })).statusCode).toBe(401);
    expect((await d1({ url: '/api/v1/geo/map-settings' })).json()).toEqual({ basemap: null });
  });
});

describe('roundArea', () => {
  it('drops the points and rings that rounding merges', () => {
    const tiny: Position[] = [[120, 32], [120.000001, 32], [120.000001, 32.000001], [120, 32]];
    const square: Position[] = [[120.123456, 32.1], [120.2, 32.1], [120.2, 32.2], [120.123456, 32.2], [120.123456, 32.1]];
    expect(roundArea({ type: 'Polygon', coordinates: [tiny] })).toBeNull();
    expect(roundArea({ type: 'MultiPolygon', coordinates: [[tiny], [square, tiny]] })).toEqual({
      type: 'Polygon', coordinates: [[[120.12346, 32.1], [120.2, 32.1], [120.2, 32.2], [120.12346, 32.2], [120.12346, 32.1]]],
    });
  });
});
