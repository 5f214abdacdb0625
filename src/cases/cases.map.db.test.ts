import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { interiorPoint } from '../../test/fixtures.js';
import type { Area } from '../geo/geometry.js';
import { casePointsQuery } from './cases.map.repo.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let d1: As;
let leader: As;
/** Cases made below: one open in each district, one overdue and one closed in 崇川区 (320613). */
const made: Record<'d1Open' | 'd2Open' | 'd1Overdue' | 'd1Closed', { id: number }> = {} as never;
let madeAt: Date;

async function pointIn(districtCode: string) {
  const path = (await t.env.db.selectFrom('admin_units').select('path').where('code', '=', districtCode).executeTakeFirstOrThrow()).path;
  const grid = await t.env.db.selectFrom('grids').select('boundary').where('path', 'like', `${path}%`).executeTakeFirstOrThrow();
  return interiorPoint(grid.boundary as Area);
}

async function newCase(districtCode: string) {
  const res = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description: '路灯不亮', location: await pointIn(districtCode) } });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id as number };
}

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  d1 = t.as(await t.login('dispatcher_d1'));
  leader = t.as(await t.login('leader'));
  made.d1Open = await newCase('320613');
  made.d2Open = await newCase('320612');
  made.d1Overdue = await newCase('320613');
  made.d1Closed = await newCase('320613');
  // All four taken in, and the one closed, at one instant: run at midnight in China, they still share a day.
  madeAt = (await t.env.db.selectFrom('cases').select('created_at').where('id', '=', made.d1Open.id).executeTakeFirstOrThrow()).created_at;
  const ids = Object.values(made).map((c) => c.id);
  await t.env.db.updateTable('cases').set({ created_at: madeAt }).where('id', 'in', ids).execute();
  await t.env.db.updateTable('cases').set({ due_at: new Date(madeAt.getTime() - 3_600_000) }).where('id', '=', made.d1Overdue.id).execute();
  await t.env.db.updateTable('cases').set({ status: 'closed', closed_at: madeAt }).where('id', '=', made.d1Closed.id).execute();
});
afterAll(async () => { await t.close(); });

const ids = (res: { json(): { features: { id: number }[] } }) => res.json().features.map((f) => f.id).sort((a, b) => a - b);
const sorted = (...list: { id: number }[]) => list.map((c) => c.id).sort((a, b) => a - b);

describe('GET /api/v1/cases/points.geojson', () => {
  const URL = '/api/v1/cases/points.geojson';

  it('refuses an anonymous caller, and a resident', async () => {
    expect((await t.app.inject({ url: URL })).statusCode).toBe(401);
    expect((await t.as(await t.login('citizen'))({ url: URL })).statusCode).toBe(403);
  });

  it("hides cases outside the caller's jurisdiction", async () => {
    expect(ids(await d1({ url: URL }))).toEqual(sorted(made.d1Open, made.d1Overdue));
    expect(ids(await leader({ url: URL }))).toEqual(sorted(made.d1Open, made.d2Open, made.d1Overdue));
  });

  it('tells status and overdue of each point, overdue first, and nothing personal', async () => {
    const res = await d1({ url: URL });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const body = res.json();
    expect(body).toMatchObject({ type: 'FeatureCollection', truncated: false, period: null });
    const [first, second] = body.features;
    expect(first).toMatchObject({ type: 'Feature', id: made.d1Overdue.id, geometry: { type: 'Point' }, properties: { id: made.d1Overdue.id, overdue: true } });
    expect(second.properties).toEqual({ id: made.d1Open.id, status: 'received', overdue: false, categoryCode: second.properties.categoryCode });
    for (const v of first.geometry.coordinates) expect((String(v).split('.')[1] ?? '').length).toBeLessThanOrEqual(5);
  });

  it('adds the cases that ended in the period with status=all', async () => {
    const all = await d1({ url: `${URL}?status=all` });
    expect(ids(all)).toEqual(sorted(made.d1Open, made.d1Overdue, made.d1Closed));
    expect(all.json().period).not.toBeNull();
    const closed = all.json().features.find((f: { id: number }) => f.id === made.d1Closed.id);
    expect(closed.properties).toMatchObject({ status: 'closed', overdue: false });
    const before = encodeURIComponent(new Date(Date.now() - 2 * 3_600_000).toISOString());
    const earlier = await d1({ url: `${URL}?status=all&from=${encodeURIComponent('2026-01-01T00:00:00+08:00')}&to=${before}` });
    expect(ids(earlier)).toEqual(sorted(made.d1Open, made.d1Overdue));
  });

  it('names the field of a bad query', async () => {
    for (const [query, field] of [
      ['status=closed', 'status'],
      ['status=all&from=yesterday', 'from'],
      ['status=open&from=2026-03-01T00:00:00%2B08:00', 'from'],
      ['status=all&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'to'],
      ['status=all&from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['bbox=1,2,3,4', 'bbox'],
    ]) {
      const res = await d1({ url: `${URL}?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toBe(field);
    }
  });

  it('reads the points in one bounded query', () => {
    // The wall screen asks for these every few seconds: a change to the query should be seen in review.
    const query = casePointsQuery(t.env.db, { pathPrefix: '/1/5/', endedIn: null, now: new Date(), limit: 20_001 }).compile();
    expect(`\n${query.sql.replace(/ (from|where|order by|limit) /g, '\n$1 ')}\n`).toMatchInlineSnapshot(`
      "
      select "id", "status", "category_code" as "categoryCode", "lon", "lat", ("closed_at" is null and "due_at" is not null and "due_at" < $1) as "overdue"
      from "cases"
      where "lon" is not null and "lat" is not null and "path" like $2 and "closed_at" is null
      order by ("closed_at" is null and "due_at" is not null and "due_at" < $3) desc, "created_at" desc, "id" desc
      limit $4
      "
    `);
  });
});

describe('GET /api/v1/stats/cases/daily', () => {
  const URL = '/api/v1/stats/cases/daily';
  // The day in China the cases were made on, and the next.
  const today = () => new Date(madeAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const tomorrow = () => new Date(madeAt.getTime() + 32 * 3_600_000).toISOString().slice(0, 10);

  it('refuses an anonymous caller, and a role without the figures', async () => {
    expect((await t.app.inject({ url: `${URL}?from=2026-03-01&to=2026-03-02` })).statusCode).toBe(401);
    expect((await t.as(await t.login('grid_worker'))({ url: `${URL}?from=2026-03-01&to=2026-03-02` })).statusCode).toBe(403);
  });

  it("counts received and closed per day inside the caller's jurisdiction", async () => {
    const res = await d1({ url: `${URL}?from=${today()}&to=${tomorrow()}` });
    expect(res.statusCode, res.body).toBe(200);
    // Three received in 崇川区 today (the fourth lies in 通州区), one of them closed.
    expect(res.json()).toEqual({ from: today(), to: tomorrow(), days: [{ date: today(), received: 3, closed: 1 }] });
    expect((await leader({ url: `${URL}?from=${today()}&to=${tomorrow()}` })).json().days[0]).toEqual({ date: today(), received: 4, closed: 1 });
  });

  it('lists every day, and counts by the day in China Standard Time', async () => {
    // 2026-03-01T16:30Z is half past midnight on 2 March in China.
    await t.env.db.updateTable('cases').set({ created_at: new Date('2026-03-01T16:30:00Z') }).where('id', '=', made.d1Open.id).execute();
    const res = await d1({ url: `${URL}?from=2026-02-28&to=2026-03-04` });
    expect(res.json().days).toEqual([
      { date: '2026-02-28', received: 0, closed: 0 },
      { date: '2026-03-01', received: 0, closed: 0 },
      { date: '2026-03-02', received: 1, closed: 0 },
      { date: '2026-03-03', received: 0, closed: 0 },
    ]);
  });

  it('names the field of a bad query', async () => {
    for (const [query, field] of [
      ['to=2026-03-02', 'from'],
      ['from=2026-3-1&to=2026-03-02', 'from'],
      ['from=2026-02-30&to=2026-03-02', 'from'],
      ['from=2026-03-02&to=2026-03-02', 'to'],
      ['from=2025-01-01&to=2026-03-02', 'from'],
    ]) {
      const res = await d1({ url: `${URL}?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toBe(field);
    }
  });
});
