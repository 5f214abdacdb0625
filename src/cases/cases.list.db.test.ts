import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { interiorPoint } from '../../test/fixtures.js';
import type { Area } from '../geo/geometry.js';
import { COUNT_CAP, LIST_WINDOW } from './cases.list.js';
import { indexReporterPhones } from './cases.setup.js';

let t: TestInstance;
let dispatcher: ReturnType<TestInstance['as']>;
let first: { id: number; ticketNo: string };
let quoting: { id: number; ticketNo: string };

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  const grid = await t.env.db.selectFrom('grids').select('boundary').orderBy('id').executeTakeFirstOrThrow();
  const intake = async (description: string) => {
    const res = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description, location: interiorPoint(grid.boundary as Area) } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number; ticketNo: string };
  };
  first = await intake('楼下烧烤油烟');
  quoting = await intake(`与工单${first.ticketNo}反映同一问题`);
  // More cases than the list counts: copies of the first, received a minute apart before it.
  const copies = COUNT_CAP + 500;
  await sql`insert into cases (ticket_no, city_id, channel, request_type, category_code, triage, urgency, status, description, address,
      lon, lat, grid_id, admin_unit_id, path, department_id, created_at, updated_at)
    select '19990101' || lpad(n::text, 6, '0'), city_id, 'patrol', request_type, category_code, triage, urgency, status, description, address,
      lon, lat, grid_id, admin_unit_id, path, department_id, created_at - n * interval '1 minute', updated_at
    from cases, generate_series(1, ${copies}) n where id = ${first.id}`.execute(t.env.db);
});
afterAll(async () => { await t.close(); });

describe('case list totals', () => {
  it('counts exactly up to 1,000, and past that says "at least", whether more follow, and the total on the last page', async () => {
    const all = (await dispatcher({ url: '/api/v1/cases?pageSize=20' })).json();
    expect(all).toMatchObject({ total: COUNT_CAP, totalExact: false, hasMore: true, page: 1, pageSize: 20 });
    expect(all.items).toHaveLength(20);
    const deeper = (await dispatcher({ url: '/api/v1/cases?pageSize=200&page=6' })).json();
    expect(deeper).toMatchObject({ total: 1200, totalExact: false, hasMore: true });
    const hotline = (await dispatcher({ url: '/api/v1/cases?channel=hotline' })).json();
    expect(hotline).toMatchObject({ total: 2, totalExact: true, hasMore: false });
    const last = (await dispatcher({ url: '/api/v1/cases?channel=patrol&pageSize=200&page=8' })).json();
    expect(last).toMatchObject({ total: COUNT_CAP + 500, totalExact: true, hasMore: false });
    expect(last.items).toHaveLength(100);
    // A page past the end, of a list longer than the count goes: the total is still the true one.
    const beyond = (await dispatcher({ url: '/api/v1/cases?channel=patrol&pageSize=200&page=20' })).json();
    expect(beyond).toMatchObject({ items: [], total: COUNT_CAP + 500, totalExact: true, hasMore: false });
    expect((await dispatcher({ url: '/api/v1/cases?channel=hotline&page=3' })).json()).toMatchObject({ items: [], total: 2, totalExact: true, hasMore: false });
  });

  it('pages only within the first 10,000 cases', async () => {
    expect((await dispatcher({ url: `/api/v1/cases?pageSize=50&page=${LIST_WINDOW / 50}` })).statusCode).toBe(200);
    const beyond = await dispatcher({ url: `/api/v1/cases?pageSize=50&page=${LIST_WINDOW / 50 + 1}` });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().error.field).toBe('page');
  });

  it('finds a ticket by its number alone, and other text in descriptions', async () => {
    const byTicket = (await dispatcher({ url: `/api/v1/cases?q=${first.ticketNo}` })).json();
    expect(byTicket.items.map((c: { id: number }) => c.id)).toEqual([first.id]);
    expect(byTicket).toMatchObject({ total: 1, totalExact: true, hasMore: false });
    const byWords = (await dispatcher({ url: `/api/v1/cases?q=${encodeURIComponent('反映同一问题')}` })).json();
    expect(byWords.items.map((c: { id: number }) => c.id)).toEqual([quoting.id]);
  });

  it('finds a repeat caller\'s cases by their number however typed, within the jurisdiction, and those from before the index once filled', async () => {
    const inDistrict = async (code: string) => {
      const { path } = await t.env.db.selectFrom('admin_units').select('path').where('code', '=', code).executeTakeFirstOrThrow();
      const grid = await t.env.db.selectFrom('grids').select('boundary').where('path', 'like', `${path}%`).orderBy('id').executeTakeFirstOrThrow();
      return interiorPoint(grid.boundary as Area);
    };
    const call = async (phone: string, location: { lon: number; lat: number }) => {
      const res = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description: '再次来电：噪音', location, reporter: { phone } } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as number;
    };
    const a = await call('13912340000', await inDistrict('320613'));
    const b = await call('+86 139-1234-0000', await inDistrict('320612'));
    await call('13912340001', await inDistrict('320613'));
    const found = async (as: typeof dispatcher, q: string) => ((await as({ url: `/api/v1/cases?q=${encodeURIComponent(q)}` })).json().items as { id: number }[]).map((c) => c.id).sort();
    expect(await found(dispatcher, '139 1234 0000')).toEqual([a, b].sort());
    expect(await found(t.as(await t.login('dispatcher_d1')), '13912340000')).toEqual([a]);
    // Taken in before the index: found once the start has filled it.
    await sql`update cases set reporter_phone_index = null where id = ${a}`.execute(t.env.db);
    expect(await found(dispatcher, '13912340000')).toEqual([b]);
    expect(await indexReporterPhones(t.env)).toBeGreaterThanOrEqual(1);
    expect(await found(dispatcher, '13912340000')).toEqual([a, b].sort());
  });

  it('describes the page in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    const page = doc.paths['/api/v1/cases'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(page.properties)).toEqual(['items', 'total', 'totalExact', 'hasMore', 'page', 'pageSize']);
    expect(doc.paths['/api/v1/cases/export.csv'].get.parameters.map((p: { name: string }) => p.name)).toContain('departmentId');
  });
});
