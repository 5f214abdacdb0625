import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { testInstance, type TestInstance } from '../../test/app.js';
import type { Area } from '../geo/geometry.js';
import { caseCountsQuery, staffCountsQuery } from './cases.stats.repo.js';
import { interiorPoint, departmentHandler } from '../../test/fixtures.js';

/**
 * The figures over a small, fully known set of cases. Each case below says by hand what it
 * counts in (README, "Figures"); a group's expected figures are the sums over its cases,
 * and the totals and a few groups are also written out in full.
 */

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let admin: As;

const FROM = '2026-03-01T00:00:00.000Z';
const TO = '2026-04-01T00:00:00.000Z';
const PERIOD = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
/** '03-02T10' → 2026-03-02T10:00:00Z */
const at = (s: string) => new Date(`2026-${s.length === 5 ? `${s}T00` : s}:00:00.000Z`);

interface Counts {
  received: number; registered: number; dispatched: number; closed: number; due: number;
  closedOnTime: number; reopened: number; extended: number; rated: number; satisfied: number;
}
const ZERO: Counts = { received: 0, registered: 0, dispatched: 0, closed: 0, due: 0, closedOnTime: 0, reopened: 0, extended: 0, rated: 0, satisfied: 0 };

type GridName = 'g1' | 'g2' | 'g3';
type DepartmentName = 'A' | 'B' | 'C';
type CategoryName = 'cat1' | 'cat2' | 'private';

interface Spec {
  /** g1 and g2 lie in different townships of 崇川区 (320613), g3 in 通州区 (320612). */
  grid: GridName;
  department: DepartmentName | null;
  category: CategoryName | null;
  channel: string;
  status: string;
  created: string;
  registered?: string;
  dispatched?: string;
  closed?: string;
  due?: string;
  satisfaction?: number;
  reopens?: number;
  extensions?: number;
  /** What the case counts in over March 2026, worked out by hand from the definitions. */
  counts: Partial<Counts>;
  /** Registration to closure, for cases counted as closed. */
  hours?: number;
}

const CASES: Spec[] = [
  // 1: the happy path inside March, on time, rated 5.
  { grid: 'g1', department: 'A', category: 'cat1', channel: 'hotline', status: 'closed', created: '03-02', registered: '03-02T10', dispatched: '03-02T12', closed: '03-05T10', due: '03-06', satisfaction: 5,
    counts: { received: 1, registered: 1, dispatched: 1, closed: 1, due: 1, closedOnTime: 1, rated: 1, satisfied: 1 }, hours: 72 },
  // 2: closed two days late after one reopening, rated 3.
  { grid: 'g1', department: 'A', category: 'cat1', channel: 'hotline', status: 'closed', created: '03-03', registered: '03-03', dispatched: '03-03T02', closed: '03-10', due: '03-08', satisfaction: 3, reopens: 1,
    counts: { received: 1, registered: 1, dispatched: 1, closed: 1, due: 1, reopened: 1, rated: 1 }, hours: 168 },
  // 3: taken in in February, extended, falls due in March and is still open: due, not closed.
  { grid: 'g1', department: 'A', category: 'cat2', channel: 'patrol', status: 'in_progress', created: '02-20', registered: '02-20', dispatched: '02-21', due: '03-15', extensions: 1,
    counts: { due: 1, extended: 1 } },
  // 4: fell due in February, closed late in March: due and closed in March, not on time.
  { grid: 'g2', department: 'B', category: 'cat1', channel: 'patrol', status: 'closed', created: '02-10', registered: '02-10', dispatched: '02-11', closed: '03-20', due: '02-25',
    counts: { closed: 1, due: 1 }, hours: 38 * 24 },
  // 5: closed early in March though due in April: due (closed in the period) and on time.
  { grid: 'g2', department: 'B', category: 'cat2', channel: 'citizen_app', status: 'closed', created: '03-10', registered: '03-10', dispatched: '03-11', closed: '03-12', due: '04-10', satisfaction: 4, extensions: 1,
    counts: { received: 1, registered: 1, dispatched: 1, closed: 1, due: 1, closedOnTime: 1, extended: 1, rated: 1, satisfied: 1 }, hours: 48 },
  // 6: dispatched late in March, due in April.
  { grid: 'g2', department: 'B', category: 'cat1', channel: 'hotline', status: 'dispatched', created: '03-25', registered: '03-25', dispatched: '03-26', due: '04-05',
    counts: { received: 1, registered: 1, dispatched: 1 } },
  // 7: received, never registered.
  { grid: 'g1', department: null, category: null, channel: 'citizen_app', status: 'received', created: '03-15',
    counts: { received: 1 } },
  // 8: deferred (缓办) though due in March: out of `due`.
  { grid: 'g1', department: 'A', category: 'cat1', channel: 'hotline', status: 'deferred', created: '02-01', registered: '02-01', dispatched: '02-02', due: '03-10',
    counts: {} },
  // 9: registered in March then hung (挂账) though due in March: out of `due`.
  { grid: 'g2', department: null, category: 'cat1', channel: 'department', status: 'hung', created: '03-05', registered: '03-05', due: '03-20',
    counts: { received: 1, registered: 1 } },
  // 10: due in March but closed in February: it counted in February.
  { grid: 'g1', department: 'A', category: 'cat1', channel: 'hotline', status: 'closed', created: '02-01', registered: '02-01', dispatched: '02-02', closed: '02-25', due: '03-03',
    counts: {} },
  // 11: due in March, closed only in April.
  { grid: 'g1', department: 'A', category: 'cat1', channel: 'open311', status: 'closed', created: '03-01', registered: '03-01', dispatched: '03-02', closed: '04-03', due: '03-30',
    counts: { received: 1, registered: 1, dispatched: 1, due: 1 } },
  // 12: 通州区, on time, rated 4.
  { grid: 'g3', department: 'C', category: 'cat1', channel: 'hotline', status: 'closed', created: '03-04', registered: '03-04', dispatched: '03-04T01', closed: '03-06', due: '03-09', satisfaction: 4,
    counts: { received: 1, registered: 1, dispatched: 1, closed: 1, due: 1, closedOnTime: 1, rated: 1, satisfied: 1 }, hours: 48 },
  // 13: 通州区, registered then voided: ended outside the loop, neither closed nor due.
  { grid: 'g3', department: null, category: null, channel: 'detection', status: 'void', created: '03-06', registered: '03-06', closed: '03-06T05',
    counts: { received: 1, registered: 1 } },
  // 14: taken in after the period.
  { grid: 'g1', department: null, category: null, channel: 'hotline', status: 'received', created: '04-02',
    counts: {} },
  // 15: private advice (私事) closed two hours after registration, with no time limit: due and on time.
  { grid: 'g2', department: null, category: 'private', channel: 'hotline', status: 'closed', created: '03-08', registered: '03-08', closed: '03-08T02',
    counts: { received: 1, registered: 1, closed: 1, due: 1, closedOnTime: 1 }, hours: 2 },
];

const grids = {} as Record<GridName, { id: number; path: string; boundary: Area; townshipId: number; districtId: number }>;
const departments = {} as Record<DepartmentName, { id: number; code: string }>;
const categories = {} as Record<CategoryName, string>;
let caseIds: number[] = [];
let d1: { id: number; path: string };
let d2: { id: number; path: string };

const inside = interiorPoint;

async function leafNamed(word: string): Promise<string> {
  const row = await t.env.db.selectFrom('case_categories as c').select('c.code').where('c.name', 'like', `%${word}%`)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('case_categories as k').select('k.code').whereRef('k.parent_code', '=', 'c.code'))))
    .orderBy('c.code').executeTakeFirstOrThrow();
  return row.code;
}

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/** The figures a group of the cases above must show. */
function expected(specs: Spec[]) {
  const c = { ...ZERO };
  let hours = 0;
  for (const s of specs) {
    for (const k of Object.keys(ZERO) as (keyof Counts)[]) c[k] += s.counts[k] ?? 0;
    hours += s.counts.closed ? s.hours! : 0;
  }
  return {
    ...c,
    closureRate: rate(c.closed, c.due),
    onTimeRate: rate(c.closedOnTime, c.due),
    reopenRate: rate(c.reopened, c.due),
    extensionRate: rate(c.extended, c.due),
    averageHandlingHours: c.closed ? Math.round((hours / c.closed) * 100) / 100 : null,
    satisfactionRate: rate(c.satisfied, c.rated),
  };
}

/** Groups the cases by `key` and compares every figure of every group, and the totals; groups without cases here show zeros. */
function expectGroups(body: { groups: Record<string, unknown>[]; totals: object }, keyOf: (s: Spec) => number | string | null, specs = CASES) {
  const byKey = new Map<number | string | null, Spec[]>();
  for (const s of specs) byKey.set(keyOf(s), [...(byKey.get(keyOf(s)) ?? []), s]);
  const none = expected([]);
  for (const [key, ss] of byKey) {
    const group = body.groups.find((g) => g.key === key);
    expect(group ?? none, `group ${key}`).toMatchObject(expected(ss));
  }
  for (const group of body.groups) if (!byKey.has(group.key as number | string | null)) expect(group, `group ${group.key}`).toMatchObject(none);
  expect(body.totals).toEqual(expected(specs));
}

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  admin = t.as(await t.login('admin'));
  const units = await t.env.db.selectFrom('admin_units').select(['id', 'code', 'path', 'level']).execute();
  d1 = units.find((u) => u.code === '320613')!;
  d2 = units.find((u) => u.code === '320612')!;
  const all = await t.env.db.selectFrom('grids').select(['id', 'path', 'boundary']).orderBy('code').execute();
  const withUnits = all.map((g) => {
    const ids = g.path.split('/').filter(Boolean).map(Number);
    return { id: g.id, path: g.path, boundary: g.boundary as Area, districtId: ids[1], townshipId: ids[2] };
  });
  grids.g1 = withUnits.find((g) => g.districtId === d1.id)!;
  grids.g2 = withUnits.find((g) => g.districtId === d1.id && g.townshipId !== grids.g1.townshipId)!;
  grids.g3 = withUnits.find((g) => g.districtId === d2.id)!;
  const deps = await t.env.db.selectFrom('departments').select(['id', 'code']).orderBy('code').execute();
  [departments.A, departments.B, departments.C] = [deps[0], deps[1], deps[2]];
  categories.cat1 = await leafNamed('占道经营');
  categories.cat2 = await leafNamed('化粪池');
  categories.private = await leafNamed('户内');

  caseIds = [];
  for (const s of CASES) {
    const res = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description: '统计用案件', location: inside(grids[s.grid].boundary) } });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as number;
    caseIds.push(id);
    const time = (v?: string) => (v ? at(v) : null);
    await sql`update cases set channel = ${s.channel}, status = ${s.status}, category_code = ${s.category ? categories[s.category] : null},
      department_id = ${s.department ? departments[s.department].id : null}, created_at = ${at(s.created)}, registered_at = ${time(s.registered)},
      dispatched_at = ${time(s.dispatched)}, closed_at = ${time(s.closed)}, due_at = ${time(s.due)}, satisfaction = ${s.satisfaction ?? null},
      reopen_count = ${s.reopens ?? 0}, extension_count = ${s.extensions ?? 0} where id = ${id}`.execute(t.env.db);
    if (s.department) {
      await t.env.db.insertInto('case_assignments').values({ case_id: id, department_id: departments[s.department].id, role: 'lead', active: true }).execute();
    }
  }
});
afterAll(async () => { await t.close(); });

const figures = async (as: As, query: string) => {
  const res = await as({ url: `/api/v1/stats/cases?${query}&${PERIOD}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('case figures', () => {
  it('refuses an anonymous caller and a citizen', async () => {
    expect((await t.app.inject({ url: `/api/v1/stats/cases?groupBy=department&${PERIOD}` })).statusCode).toBe(401);
    expect((await t.as(await t.login('citizen'))({ url: `/api/v1/stats/cases?groupBy=department&${PERIOD}` })).statusCode).toBe(403);
    expect((await t.as(await t.login('grid_worker'))({ url: `/api/v1/stats/cases?groupBy=department&${PERIOD}` })).statusCode).toBe(403);
    for (const role of ['leader', 'auditor', 'department_handler']) {
      expect((await t.as(await t.login(role))({ url: `/api/v1/stats/cases?groupBy=department&${PERIOD}` })).statusCode, role).toBe(200);
    }
  });

  it("hides cases outside the caller's jurisdiction", async () => {
    const asD1 = t.as(await t.login('dispatcher_d1'));
    const d1Cases = CASES.filter((s) => s.grid !== 'g3');
    const byArea = await figures(asD1, 'groupBy=adminUnit');
    expect(byArea.level).toBe('township');
    expect(byArea.groups.every((g: { code: string }) => g.code.startsWith('320613'))).toBe(true);
    expectGroups(byArea, (s) => grids[s.grid].townshipId, d1Cases);
    expectGroups(await figures(asD1, 'groupBy=department'), (s) => (s.department ? departments[s.department].id : null), d1Cases);
    const outside = await asD1({ url: `/api/v1/stats/cases?groupBy=department&adminUnitId=${d2.id}&${PERIOD}` });
    expect(outside.statusCode).toBe(404);
    expect((await asD1({ url: `/api/v1/stats/cases?groupBy=adminUnit&level=district&adminUnitId=${d2.id}&${PERIOD}` })).statusCode).toBe(404);
  });

  it('counts every figure of every department', async () => {
    const body = await figures(dispatcher, 'groupBy=department');
    expect(body).toMatchObject({ groupBy: 'department', from: FROM, to: TO, level: null, adminUnitId: null });
    expectGroups(body, (s) => (s.department ? departments[s.department].id : null));
    // The same, written out: 10 received, 8 due of which 6 closed, 4 on time…
    expect(body.totals).toEqual({
      received: 10, registered: 9, dispatched: 6, closed: 6, due: 8, closedOnTime: 4, reopened: 1, extended: 2, rated: 4, satisfied: 3,
      closureRate: 0.75, onTimeRate: 0.5, reopenRate: 0.125, extensionRate: 0.25, averageHandlingHours: 208.33, satisfactionRate: 0.75,
    });
    expect(body.groups.find((g: { key: number }) => g.key === departments.A.id)).toEqual({
      key: departments.A.id, code: departments.A.code, name: expect.any(String), nameEn: null,
      received: 3, registered: 3, dispatched: 3, closed: 2, due: 4, closedOnTime: 1, reopened: 1, extended: 1, rated: 2, satisfied: 1,
      closureRate: 0.5, onTimeRate: 0.25, reopenRate: 0.25, extensionRate: 0.25, averageHandlingHours: 120, satisfactionRate: 0.5,
      drill: { from: FROM, to: TO, departmentId: departments.A.id },
      closedDrill: { status: 'closed', closedFrom: FROM, closedTo: TO, departmentId: departments.A.id },
      dueDrill: { dueFrom: FROM, dueTo: TO, departmentId: departments.A.id },
    });
    expect(body.groups.at(-1)).toMatchObject({ key: null, name: '未派遣', drill: null, closedDrill: null, dueDrill: null, received: 4, due: 1, satisfactionRate: null });
  });

  it('counts by district, township, community, grid, category and channel', async () => {
    const districts = await figures(dispatcher, 'groupBy=adminUnit');
    expect(districts.level).toBe('district');
    expect(districts.groups.map((g: { code: string }) => g.code)).toEqual(['320612', '320613']);
    expectGroups(districts, (s) => grids[s.grid].districtId);
    expect(districts.groups[1]).toMatchObject({
      received: 8, registered: 7, dispatched: 5, closed: 5, due: 7, closedOnTime: 3, reopened: 1, extended: 2, rated: 3, satisfied: 2,
      closureRate: 0.7143, onTimeRate: 0.4286, reopenRate: 0.1429, extensionRate: 0.2857, averageHandlingHours: 240.4, satisfactionRate: 0.6667,
    });
    const townships = await figures(dispatcher, 'groupBy=adminUnit&level=township');
    expectGroups(townships, (s) => grids[s.grid].townshipId);
    // Every township is listed, those without cases with zeros.
    expect(townships.groups).toHaveLength(4);
    const communities = await figures(dispatcher, `groupBy=adminUnit&level=community&adminUnitId=${d1.id}`);
    expectGroups(communities, (s) => Number(grids[s.grid].path.split('/')[4]), CASES.filter((s) => s.grid !== 'g3'));
    expectGroups(await figures(dispatcher, 'groupBy=grid'), (s) => grids[s.grid].id);
    const byCategory = await figures(dispatcher, 'groupBy=category');
    expectGroups(byCategory, (s) => (s.category ? categories[s.category] : null));
    // Named in English too, for the English interface; the cases with no category have no name to carry.
    const english = new Map((await t.env.db.selectFrom('case_categories').select(['code', 'name_en']).execute()).map((c) => [c.code, c.name_en]));
    const categoryNames = byCategory.groups.map((g: { key: string | null; nameEn: string | null }) => [g.key, g.nameEn]);
    expect(categoryNames).toEqual(byCategory.groups.map((g: { key: string | null }) => [g.key, g.key === null ? null : english.get(g.key)]));
    expect(categoryNames.filter(([, nameEn]: [string | null, string | null]) => nameEn).length).toBeGreaterThan(0);
    const channels = await figures(dispatcher, 'groupBy=channel');
    expectGroups(channels, (s) => s.channel);
    expect(channels.groups.map((g: { key: string }) => g.key)).toEqual(['patrol', 'hotline', 'citizen_app', 'department', 'detection', 'open311']);
    expect(channels.groups[1]).toMatchObject({ name: '12345热线', nameEn: null, drill: { from: FROM, to: TO, channel: 'hotline' } });
  });

  it("drills down to exactly the group's cases received in the period", async () => {
    const townships = await figures(t.as(await t.login('dispatcher_d1')), 'groupBy=adminUnit');
    for (const group of townships.groups) {
      const query = new URLSearchParams({ ...group.drill, pageSize: '200' });
      const list = (await dispatcher({ url: `/api/v1/cases?${query}` })).json();
      expect(list.total, group.name).toBe(group.received);
    }
    const byDepartment = await figures(dispatcher, 'groupBy=department');
    const a = byDepartment.groups.find((g: { key: number }) => g.key === departments.A.id);
    const list = (await dispatcher({ url: `/api/v1/cases?${new URLSearchParams(a.drill)}` })).json();
    expect(list.items.map((c: { id: number }) => c.id).sort()).toEqual([0, 1, 10].map((i) => caseIds[i]).sort());
    const byGrid = await figures(dispatcher, 'groupBy=grid');
    expect(byGrid.groups.every((g: { drill: unknown; closedDrill: unknown }) => g.drill === null && g.closedDrill === null)).toBe(true);
  });

  it("drills down to exactly the cases a group's `closed` and `due` count, whenever they were received", async () => {
    let closedSeen = 0;
    let dueSeen = 0;
    for (const groupBy of ['adminUnit', 'department', 'category', 'channel']) {
      const body = await figures(dispatcher, `groupBy=${groupBy}`);
      for (const group of body.groups.filter((g: { closedDrill: unknown }) => g.closedDrill)) {
        const list = (await dispatcher({ url: `/api/v1/cases?${new URLSearchParams({ ...group.closedDrill, pageSize: '200' })}` })).json();
        expect(list.total, `${groupBy} ${group.name}`).toBe(group.closed);
        closedSeen += group.closed;
        const due = (await dispatcher({ url: `/api/v1/cases?${new URLSearchParams({ ...group.dueDrill, pageSize: '200' })}` })).json();
        expect(due.total, `${groupBy} ${group.name} due`).toBe(group.due);
        dueSeen += group.due;
      }
    }
    expect(closedSeen).toBeGreaterThan(0);
    expect(dueSeen).toBeGreaterThan(closedSeen);
    expect((await dispatcher({ url: `/api/v1/cases?dueFrom=${encodeURIComponent(FROM)}` })).json().error.field).toBe('dueTo');
    // Closed in the period but received before it: counted in `closed`, not in `received`.
    const totals = (await figures(dispatcher, 'groupBy=channel')).totals;
    const closedList = (await dispatcher({ url: `/api/v1/cases?${new URLSearchParams({ status: 'closed', closedFrom: FROM, closedTo: TO, pageSize: '200' })}` })).json();
    expect(closedList.total).toBe(totals.closed);
    expect(closedList.items.some((c: { receivedAt?: string; createdAt?: string }) => Date.parse((c.receivedAt ?? c.createdAt)!) < Date.parse(FROM))).toBe(true);
    expect((await dispatcher({ url: '/api/v1/cases?closedFrom=yesterday' })).json().error.field).toBe('closedFrom');
  });

  it('names what is wrong with the query', async () => {
    const bad: [string, string][] = [
      [`groupBy=weather&${PERIOD}`, 'groupBy'],
      [`${PERIOD}`, 'groupBy'],
      [`groupBy=department&from=yesterday&to=${encodeURIComponent(TO)}`, 'from'],
      [`groupBy=department&from=${encodeURIComponent(FROM)}&to=2026-04-01`, 'to'],
      [`groupBy=department&to=${encodeURIComponent(TO)}`, 'from'],
      [`groupBy=department&from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`, 'to'],
      [`groupBy=department&from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(FROM)}`, 'to'],
      [`groupBy=department&level=township&${PERIOD}`, 'level'],
      [`groupBy=adminUnit&level=street&${PERIOD}`, 'level'],
      [`groupBy=adminUnit&adminUnitId=zero&${PERIOD}`, 'adminUnitId'],
      [`groupBy=department&colour=red&${PERIOD}`, 'colour'],
    ];
    for (const [query, field] of bad) {
      const res = await dispatcher({ url: `/api/v1/stats/cases?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toBe(field);
    }
    const above = await t.as(await t.login('dispatcher_d1'))({ url: `/api/v1/stats/cases?groupBy=adminUnit&level=city&${PERIOD}` });
    expect(above.statusCode).toBe(400);
    expect(above.json().error.field).toBe('level');
    const unknown = await dispatcher({ url: `/api/v1/stats/cases?groupBy=department&adminUnitId=99999999&${PERIOD}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.field).toBe('adminUnitId');
  });
});

describe('figures by post', () => {
  const handlerOf = (departmentId: number) => departmentHandler(t, departmentId);

  async function act(as: As, id: number, body: Record<string, unknown>) {
    const current = (await admin({ url: `/api/v1/cases/${id}` })).json();
    const res = await as({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { version: current.version, ...body } });
    expect(res.statusCode, res.body).toBe(200);
  }

  it("counts each staff member's actions in the period on cases in scope", async () => {
    const asD1 = t.as(await t.login('dispatcher_d1'));
    const worker = await t.env.db.selectFrom('grid_members').innerJoin('users', 'users.id', 'grid_members.user_id')
      .select('users.username').where('grid_members.grid_id', '=', grids.g1.id).where('grid_members.role', '=', 'worker').executeTakeFirstOrThrow();
    const gw = t.as(await t.login(worker.username));
    const handler = await handlerOf(departments.A.id);
    const walked: number[] = [];
    for (const registrar of [dispatcher, asD1]) {
      const res = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description: '岗位统计', location: inside(grids.g1.boundary) } });
      const id = res.json().id as number;
      walked.push(id);
      await act(registrar, id, { action: 'register', categoryCode: categories.cat1 });
      await act(registrar, id, { action: 'dispatch', departmentId: departments.A.id });
      await act(handler, id, { action: 'accept' });
      await act(handler, id, { action: 'report_back', note: '已处理' });
      if (registrar === dispatcher) {
        await act(gw, id, { action: 'verify_fail', note: '仍未清理' });
        await act(handler, id, { action: 'report_back', note: '再次处理' });
      }
      await act(gw, id, { action: 'verify_ok' });
      await act(registrar, id, { action: 'callback', satisfaction: 5 });
      await act(registrar === dispatcher ? dispatcher : admin, id, { action: 'close' });
    }
    // Into March; the second case's closure (by admin) into April, outside the period.
    await sql`update case_events set at = ${at('03-15')} where case_id in (${walked[0]}, ${walked[1]})`.execute(t.env.db);
    await sql`update case_events set at = ${at('04-02')} where case_id = ${walked[1]} and action = 'close'`.execute(t.env.db);

    const body = await figures(dispatcher, 'groupBy=staff');
    const handlerName = `handler_${departments.A.id}`;
    const row = (username: string) => body.groups.find((g: { code: string }) => g.code === username);
    expect(body.groups.map((g: { code: string }) => g.code).sort()).toEqual(['dispatcher', 'dispatcher_d1', handlerName, worker.username].sort());
    // Named as people know them; the username beside it.
    const names = await t.env.db.selectFrom('users').select(['username', 'display_name']).where('username', 'in', ['dispatcher', worker.username]).execute();
    for (const u of names) expect(row(u.username).name).toBe(u.display_name);
    expect(row('dispatcher')).toMatchObject({ received: 2, registered: 1, dispatched: 1, handled: 0, verified: 0, closed: 1, drill: null });
    expect(row('dispatcher_d1')).toMatchObject({ received: 0, registered: 1, dispatched: 1, handled: 0, verified: 0, closed: 0 });
    expect(row(handlerName)).toMatchObject({ received: 0, registered: 0, dispatched: 0, handled: 3, verified: 0, closed: 0 });
    expect(row(worker.username)).toMatchObject({ received: 0, registered: 0, dispatched: 0, handled: 0, verified: 3, closed: 0 });
    expect(body.totals).toEqual({ received: 2, registered: 2, dispatched: 2, handled: 3, verified: 3, closed: 1 });

    const inD2 = await figures(t.as(await t.login('dispatcher_d2')), 'groupBy=staff');
    expect(inD2.groups).toEqual([]);
    expect(inD2.totals).toEqual({ received: 0, registered: 0, dispatched: 0, handled: 0, verified: 0, closed: 0 });
  });
});

describe('exports', () => {
  it('exports the same numbers as CSV with a byte-order mark and as XLSX', async () => {
    const json = await figures(dispatcher, 'groupBy=department');
    const csv = await dispatcher({ url: `/api/v1/stats/cases.csv?groupBy=department&${PERIOD}` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="case-figures-department-2026-03-01-2026-04-01.csv"');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(csv.rawPayload, { bom: true }) as string[][];
    expect(rows[0].slice(0, 6)).toEqual(['标识 (key)', '编码 (code)', '名称 (name)', '受理数 (received)', '立案数 (registered)', '派遣数 (dispatched)']);
    const fields = rows[0].map((h) => /\((\w+)\)$/.exec(h)![1]);
    const expectedRows = [...json.groups, { key: null, code: null, name: '合计 (total)', ...json.totals }];
    expect(rows.slice(1).map((r) => Object.fromEntries(r.map((v, i) => [fields[i], v]))))
      .toEqual(expectedRows.map((g) => Object.fromEntries(fields.map((f) => [f, g[f] === null ? '' : String(g[f])]))));

    const xlsx = await dispatcher({ url: `/api/v1/stats/cases.xlsx?groupBy=department&${PERIOD}` });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="case-figures-department-2026-03-01-2026-04-01.xlsx"');
    // A period from midnight in Beijing is named by Beijing's dates, not by UTC's day before, and by its last day, not the day after.
    const beijing = `from=${encodeURIComponent('2026-01-01T00:00:00+08:00')}&to=${encodeURIComponent('2027-01-01T00:00:00+08:00')}`;
    expect((await dispatcher({ url: `/api/v1/stats/cases.csv?groupBy=channel&${beijing}` })).headers['content-disposition'])
      .toBe('attachment; filename="case-figures-channel-2026-01-01-2026-12-31.csv"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(rows[0]);
    const cells: Record<string, unknown>[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) cells.push(Object.fromEntries(fields.map((f, i) => [f, row.getCell(i + 1).value ?? null])));
    });
    expect(cells).toEqual(expectedRows.map((g) => Object.fromEntries(fields.map((f) => [f, g[f] ?? null]))));
    // Rates keep their value and show as percentages; the header and the totals stand out.
    expect(sheet.getRow(2).getCell(fields.indexOf('closureRate') + 1).numFmt).toBe('0.00%');
    expect(sheet.getRow(2).getCell(fields.indexOf('closed') + 1).numFmt).toBeUndefined();
    expect([1, 2, sheet.rowCount].map((n) => sheet.getRow(n).getCell(1).font?.bold ?? false)).toEqual([true, false, true]);
  });

  it('exports the figures by post too, and refuses what the figures refuse', async () => {
    const csv = await dispatcher({ url: `/api/v1/stats/cases.csv?groupBy=staff&${PERIOD}` });
    expect(csv.statusCode).toBe(200);
    expect((parseCsv(csv.rawPayload, { bom: true }) as string[][])[0]).toContain('处置反馈 (handled)');
    expect((await t.app.inject({ url: `/api/v1/stats/cases.csv?groupBy=department&${PERIOD}` })).statusCode).toBe(401);
    expect((await t.as(await t.login('citizen'))({ url: `/api/v1/stats/cases.xlsx?groupBy=department&${PERIOD}` })).statusCode).toBe(403);
    expect((await dispatcher({ url: `/api/v1/stats/cases.xlsx?groupBy=nothing&${PERIOD}` })).json().error.field).toBe('groupBy');
  });
});

describe('the SQL', () => {
  // Figures run over millions of cases: a change to these queries should be seen in review.
  const period = { from: new Date(FROM), to: new Date(TO) };
  /** One clause or aggregate a line, so that a review diff shows what changed. */
  const readable = (query: { compile(): { sql: string } }) => `\n${query.compile().sql
    .replace(/("\w+"), (?=["a-z(])/g, '$1,\n  ')
    .replace(/(?<!epoch) (from|where|group by|inner join) (?=["(])/g, '\n$1 ')}\n`;

  it('counts cases in one pass per grouping', () => {
    expect(readable(caseCountsQuery(t.env.db, '/1/5/', period, { by: 'department' }))).toMatchInlineSnapshot(`
      "
      select "f"."key",
        count(*) filter(where "f"."received") as "received",
        count(*) filter(where "f"."registered") as "registered",
        count(*) filter(where "f"."dispatched") as "dispatched",
        count(*) filter(where "f"."closed") as "closed",
        count(*) filter(where "f"."due") as "due",
        count(*) filter(where ("f"."closed" and "f"."by_due_date")) as "closedOnTime",
        count(*) filter(where ("f"."due" and "f"."reopen_count" > 0)) as "reopened",
        count(*) filter(where ("f"."due" and "f"."extension_count" > 0)) as "extended",
        count(*) filter(where ("f"."closed" and "f"."satisfaction" is not null)) as "rated",
        count(*) filter(where ("f"."closed" and "f"."satisfaction" >= 4)) as "satisfied",
        sum("f"."handling_seconds") filter(where "f"."closed") as "handlingSeconds"
      from (select "department_id"::text as "key",
        ("created_at" >= $1 and "created_at" < $2) as "received",
        ("registered_at" >= $3 and "registered_at" < $4) as "registered",
        ("dispatched_at" >= $5 and "dispatched_at" < $6) as "dispatched",
        ("status" = 'closed' and ("closed_at" >= $7 and "closed_at" < $8)) as "closed",
        ("registered_at" is not null and "status" not in ('deferred', 'hung', 'void', 'merged', 'referred') and (("status" = 'closed' and ("closed_at" >= $9 and "closed_at" < $10)) or (("due_at" >= $11 and "due_at" < $12) and ("status" != 'closed' or "closed_at" >= $13)))) as "due",
        ("due_at" is null or "closed_at" <= "due_at") as "by_due_date",
        "reopen_count",
        "extension_count",
        "satisfaction",
        coalesce(extract(epoch from "closed_at" - "registered_at"), 0) as "handling_seconds"
      from "cases"
      where "path" like $14 and "created_at" < $15 and (("created_at" >= $16 and "created_at" < $17) or ("registered_at" >= $18 and "registered_at" < $19) or ("dispatched_at" >= $20 and "dispatched_at" < $21) or ("closed_at" >= $22 and "closed_at" < $23) or ("due_at" >= $24 and "due_at" < $25))) as "f"
      group by "f"."key" having count(*) filter(where ("f"."received" or "f"."registered" or "f"."dispatched" or "f"."closed" or "f"."due")) > 0
      "
    `);
    expect(readable(caseCountsQuery(t.env.db, '/1/', period, { by: 'adminUnit', depth: 3 }))).toMatchInlineSnapshot(`
      "
      select "f"."key",
        count(*) filter(where "f"."received") as "received",
        count(*) filter(where "f"."registered") as "registered",
        count(*) filter(where "f"."dispatched") as "dispatched",
        count(*) filter(where "f"."closed") as "closed",
        count(*) filter(where "f"."due") as "due",
        count(*) filter(where ("f"."closed" and "f"."by_due_date")) as "closedOnTime",
        count(*) filter(where ("f"."due" and "f"."reopen_count" > 0)) as "reopened",
        count(*) filter(where ("f"."due" and "f"."extension_count" > 0)) as "extended",
        count(*) filter(where ("f"."closed" and "f"."satisfaction" is not null)) as "rated",
        count(*) filter(where ("f"."closed" and "f"."satisfaction" >= 4)) as "satisfied",
        sum("f"."handling_seconds") filter(where "f"."closed") as "handlingSeconds"
      from (select nullif(split_part("path", '/', 4), '') as "key",
        ("created_at" >= $1 and "created_at" < $2) as "received",
        ("registered_at" >= $3 and "registered_at" < $4) as "registered",
        ("dispatched_at" >= $5 and "dispatched_at" < $6) as "dispatched",
        ("status" = 'closed' and ("closed_at" >= $7 and "closed_at" < $8)) as "closed",
        ("registered_at" is not null and "status" not in ('deferred', 'hung', 'void', 'merged', 'referred') and (("status" = 'closed' and ("closed_at" >= $9 and "closed_at" < $10)) or (("due_at" >= $11 and "due_at" < $12) and ("status" != 'closed' or "closed_at" >= $13)))) as "due",
        ("due_at" is null or "closed_at" <= "due_at") as "by_due_date",
        "reopen_count",
        "extension_count",
        "satisfaction",
        coalesce(extract(epoch from "closed_at" - "registered_at"), 0) as "handling_seconds"
      from "cases"
      where "path" like $14 and "created_at" < $15 and (("created_at" >= $16 and "created_at" < $17) or ("registered_at" >= $18 and "registered_at" < $19) or ("dispatched_at" >= $20 and "dispatched_at" < $21) or ("closed_at" >= $22 and "closed_at" < $23) or ("due_at" >= $24 and "due_at" < $25))) as "f"
      group by "f"."key" having count(*) filter(where ("f"."received" or "f"."registered" or "f"."dispatched" or "f"."closed" or "f"."due")) > 0
      "
    `);
  });

  it('counts staff actions in one pass', () => {
    expect(readable(staffCountsQuery(t.env.db, '/1/5/', period))).toMatchInlineSnapshot(`
      "
      select "e"."actor_id" as "actorId",
        max("e"."actor_name") as "actorName",
        count(*) filter(where "e"."action" in ('receive')) as "received",
        count(*) filter(where "e"."action" in ('register')) as "registered",
        count(*) filter(where "e"."action" in ('dispatch', 'joint_dispatch')) as "dispatched",
        count(*) filter(where "e"."action" in ('report_back')) as "handled",
        count(*) filter(where "e"."action" in ('verify_ok', 'verify_fail')) as "verified",
        count(*) filter(where "e"."action" in ('close')) as "closed"
      from "case_events" as "e"
      inner join "cases" as "c" on "c"."id" = "e"."case_id"
      where "c"."path" like $1 and "e"."at" >= $2 and "e"."at" < $3 and "e"."actor_id" is not null and "e"."action" in ('receive', 'register', 'dispatch', 'joint_dispatch', 'report_back', 'verify_ok', 'verify_fail', 'close')
      group by "e"."actor_id"
      "
    `);
  });
});
