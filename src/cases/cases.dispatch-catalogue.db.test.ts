import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let admin: As;
let stall: { code: string; department_kind: string | null };
/** Two districts of the demo city, and a township under the first. */
let d1: { id: number; path: string };
let d2: { id: number; path: string };
let township: { id: number; path: string };
let special: { id: number; name: string };

beforeAll(async () => {
  t = await testInstance();
  admin = t.as(await t.login('admin'));
  stall = await t.env.db.selectFrom('case_categories').select(['code', 'department_kind']).where('name', 'like', '%占道经营%').orderBy('code', 'desc').executeTakeFirstOrThrow();
  const unit = (code: string) => t.env.db.selectFrom('admin_units').select(['id', 'path']).where('code', '=', code).executeTakeFirstOrThrow();
  d1 = await unit('320613');
  d2 = await unit('320612');
  township = await t.env.db.selectFrom('admin_units').select(['id', 'path']).where('level', '=', 'township').where('path', 'like', `${d1.path}%`).orderBy('id').executeTakeFirstOrThrow();
  const departments = (await admin({ url: '/api/v1/departments' })).json().items as { id: number; name: string; kind: string }[];
  // A department the category's own kind would never choose, so only a rule can send the case there.
  special = departments.find((d) => d.kind === 'police')!;
  expect(stall.department_kind).not.toBe('police');
});
afterAll(async () => { await t.close(); });

const route = async (adminUnitId: number) => {
  const res = await admin({ url: `/api/v1/routing-rules/route?categoryCode=${stall.code}&adminUnitId=${adminUnitId}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { department: { id: number; name: string; kind: string } | null; reason: string; ruleAt: { id: number; name: string } | null };
};

describe('the dispatch catalogue', () => {
  it('shows where a category goes at a place and why, lists the rules, and falls back when one is removed', async () => {
    const before = await route(township.id);
    expect(before).toMatchObject({ reason: 'category', ruleAt: null });
    expect(before.department!.kind).toBe(stall.department_kind === 'community' ? 'community_committee' : stall.department_kind);

    const set = await admin({ method: 'PUT', url: '/api/v1/routing-rules', payload: { categoryCode: stall.code, adminUnitId: d1.id, departmentId: special.id } });
    expect(set.statusCode, set.body).toBe(200);
    // Set on the district, it holds in the township below it, and not in the other district.
    expect(await route(township.id)).toMatchObject({ reason: 'rule', department: { id: special.id }, ruleAt: { id: d1.id } });
    expect((await route(d2.id)).reason).toBe('category');

    const listed = (await admin({ url: `/api/v1/routing-rules?categoryCode=${stall.code}` })).json().items;
    expect(listed).toEqual([expect.objectContaining({ categoryCode: stall.code, adminUnit: expect.objectContaining({ id: d1.id, level: 'district' }), department: expect.objectContaining({ id: special.id, name: special.name }) })]);
    expect((await admin({ url: '/api/v1/routing-rules?categoryCode=NOSUCH1' })).json().items).toEqual([]);

    const removed = await admin({ method: 'DELETE', url: `/api/v1/routing-rules/${stall.code}/${d1.id}` });
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await route(township.id)).toEqual(before);
    expect((await admin({ url: `/api/v1/routing-rules?categoryCode=${stall.code}` })).json().items).toEqual([]);
    expect((await admin({ method: 'DELETE', url: `/api/v1/routing-rules/${stall.code}/${d1.id}` })).statusCode).toBe(404);

    const audit = (await admin({ url: '/api/v1/audit?action=routing_rule.delete' })).json().items;
    expect(audit[0]).toMatchObject({ action: 'routing_rule.delete', target: { id: `${stall.code}@${d1.id}` }, before: { departmentId: special.id } });
  });

  it('audits a rule replaced with the department it replaced', async () => {
    const departments = (await admin({ url: '/api/v1/departments' })).json().items as { id: number; kind: string; adminUnit: { level: string } }[];
    const cityWide = departments.filter((d) => d.adminUnit.level === 'city' && d.id !== special.id)[0];
    const put = (departmentId: number) => admin({ method: 'PUT', url: '/api/v1/routing-rules', payload: { categoryCode: stall.code, adminUnitId: d1.id, departmentId } });
    expect((await put(special.id)).statusCode).toBe(200);
    expect((await put(cityWide.id)).statusCode).toBe(200);
    const [replaced, first] = (await admin({ url: '/api/v1/audit?action=routing_rule.set' })).json().items;
    expect(replaced).toMatchObject({ before: { departmentId: special.id }, after: { departmentId: cityWide.id } });
    expect(first.before ?? null).toBeNull();
    await admin({ method: 'DELETE', url: `/api/v1/routing-rules/${stall.code}/${d1.id}` });
  });

  it('keeps a district administrator to her district, and everyone else out', async () => {
    const districtAdmin = await t.as(await t.login('admin'))({
      method: 'POST', url: '/api/v1/users', payload: { username: 'd2_admin', displayName: '区管理员', password: 'admin-pass-1', role: 'admin', jurisdictionId: d2.id },
    });
    expect(districtAdmin.statusCode, districtAdmin.body).toBe(201);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'd2_admin', password: 'admin-pass-1' } });
    const mine = t.as(login.json().token);
    await admin({ method: 'PUT', url: '/api/v1/routing-rules', payload: { categoryCode: stall.code, adminUnitId: d1.id, departmentId: special.id } });
    expect((await mine({ url: `/api/v1/routing-rules?categoryCode=${stall.code}` })).json().items).toEqual([]);
    const elsewhere = await mine({ url: `/api/v1/routing-rules/route?categoryCode=${stall.code}&adminUnitId=${d1.id}` });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error).toMatchObject({ field: 'adminUnitId' });
    expect((await mine({ method: 'DELETE', url: `/api/v1/routing-rules/${stall.code}/${d1.id}` })).statusCode).toBe(400);
    expect((await admin({ url: `/api/v1/routing-rules?categoryCode=${stall.code}` })).json().items).toHaveLength(1);

    const dispatcher = t.as(await t.login('dispatcher'));
    expect((await dispatcher({ url: '/api/v1/routing-rules' })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/routing-rules' })).statusCode).toBe(401);
  });

  it('names the field of a bad question', async () => {
    const cases: [string, string][] = [
      [`/api/v1/routing-rules/route?categoryCode=${stall.code}`, 'adminUnitId'],
      [`/api/v1/routing-rules/route?categoryCode=${stall.code}&adminUnitId=99999999`, 'adminUnitId'],
      [`/api/v1/routing-rules/route?categoryCode=NOSUCH1&adminUnitId=${d1.id}`, 'categoryCode'],
      ['/api/v1/routing-rules?categoryCode=a-b', 'categoryCode'],
    ];
    for (const [url, field] of cases) {
      const res = await admin({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toMatchObject({ code: 'invalid_input', field });
    }
    const classCode = stall.code.slice(0, 3);
    const asClass = await admin({ url: `/api/v1/routing-rules/route?categoryCode=${classCode}&adminUnitId=${d1.id}` });
    expect(asClass.statusCode).toBe(400);
  });
});
