import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { interiorPoint } from '../../test/fixtures.js';
import type { Area } from '../geo/geometry.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let admin: As;
let dispatcher: As;
let point: { lon: number; lat: number };

beforeAll(async () => {
  t = await testInstance();
  admin = t.as(await t.login('admin'));
  dispatcher = t.as(await t.login('dispatcher'));
  const grid = await t.env.db.selectFrom('grids').select('boundary').orderBy('id').executeTakeFirstOrThrow();
  point = interiorPoint(grid.boundary as Area);
});
afterAll(async () => { await t.close(); });

const post = (as: As, payload: object) => as({ method: 'POST', url: '/api/v1/case-categories', payload });
const patch = (as: As, code: string, payload: object) => as({ method: 'PATCH', url: `/api/v1/case-categories/${code}`, payload });
const intake = (categoryCode: string) => dispatcher({
  method: 'POST', url: '/api/v1/cases',
  payload: { channel: 'hotline', requestType: 'report', categoryCode, description: '共享单车乱停放堵塞盲道', location: point },
});

describe('case categories', () => {
  it('refuses an anonymous caller, and anyone but an administrator for changes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/case-categories' })).statusCode).toBe(401);
    const res = await post(dispatcher, { code: 'E0199', parentCode: 'E01', name: '共享单车乱停放', nameEn: 'Misparked shared bikes' });
    expect(res.statusCode).toBe(403);
    expect((await patch(dispatcher, 'E0102', { name: '垃圾' })).statusCode).toBe(403);
  });

  it("keeps the city's taxonomy to the city's administrators, and its changes in the city's audit trail", async () => {
    const district = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320613').executeTakeFirstOrThrow();
    const made = await admin({ method: 'POST', url: '/api/v1/users', payload: { username: 'district_admin_cat', displayName: '区管理员', password: 'district-pass', role: 'admin', jurisdictionId: district.id } });
    expect(made.statusCode, made.body).toBe(201);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district_admin_cat', password: 'district-pass' } });
    const districtAdmin = t.as(login.json().token);
    expect((await patch(districtAdmin, 'E0102', { name: '只改本区' })).statusCode).toBe(403);
    expect((await post(districtAdmin, { code: 'E0198', parentCode: 'E01', name: '区自设类别', nameEn: 'A district\'s own' })).statusCode).toBe(403);
    expect((await patch(admin, 'E0102', { nameEn: 'Garbage piled up' })).statusCode).toBe(200);
    const auditor = t.as(await t.login('auditor'));
    const trail = (await auditor({ url: '/api/v1/audit?action=category.update&targetType=case_category&targetId=E0102' })).json().items;
    expect(trail[0]).toMatchObject({ action: 'category.update', after: { nameEn: 'Garbage piled up' } });
  });

  it('adds a subclass that intake files under and routes by its department kind, at once', async () => {
    const res = await post(admin, {
      code: 'E0199', parentCode: 'E01', name: '共享单车乱停放', nameEn: 'Misparked shared bikes', triage: 'government',
      departmentKind: 'urban_management', limits: { routine: { amount: 2, unit: 'days' }, urgent: { amount: 4, unit: 'hours' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ code: 'E0199', parentCode: 'E01', kind: 'event', active: true });
    const c = await intake('E0199');
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json().route).toMatchObject({ reason: 'category' });
    expect(c.json().route.department.name).toContain('城市管理');
    const listed = (await dispatcher({ url: '/api/v1/case-categories' })).json().items as { code: string }[];
    expect(listed.some((x) => x.code === 'E0199')).toBe(true);
    const audit = await t.env.db.selectFrom('audit_log').select('action').where('target_id', '=', 'E0199').execute();
    expect(audit.map((a) => a.action)).toEqual(['category.create']);
  });

  it('refuses a taken code, an unknown parent, a fourth level and a kind unlike its class', async () => {
    const taken = await post(admin, { code: 'E0102', parentCode: 'E01', name: 'x', nameEn: 'x' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.field).toBe('code');
    expect((await post(admin, { code: 'Z01', parentCode: 'NOPE', name: 'x', nameEn: 'x' })).json().error.field).toBe('parentCode');
    expect((await post(admin, { code: 'E019901', parentCode: 'E0199', name: '三级', nameEn: 'third' })).statusCode).toBe(201);
    const fourth = await post(admin, { code: 'E01990101', parentCode: 'E019901', name: '四级', nameEn: 'fourth' });
    expect(fourth.statusCode).toBe(400);
    expect(fourth.json().error.field).toBe('parentCode');
    const kind = await post(admin, { code: 'E0198', parentCode: 'E01', kind: 'subject', name: 'x', nameEn: 'x' });
    expect(kind.json().error.field).toBe('kind');
    expect((await post(admin, { code: 'X1', name: '新大类', nameEn: 'New class' })).json().error.field).toBe('kind');
  });

  it('no longer takes cases under a subclass once it has subclasses of its own', async () => {
    const res = await intake('E0199');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'categoryCode', message: expect.stringContaining('class') });
  });

  it('validates every field, naming it', async () => {
    const cases: [object, string][] = [
      [{ code: 'E0197', parentCode: 'E01', name: '', nameEn: 'x' }, 'name'],
      [{ code: 'E 01', parentCode: 'E01', name: 'x', nameEn: 'x' }, 'code'],
      [{ code: 'E0197', parentCode: 'E01', name: 'x', nameEn: 'x', departmentKind: 'spaceport' }, 'departmentKind'],
      [{ code: 'E0197', parentCode: 'E01', name: 'x', nameEn: 'x', limits: { routine: { amount: 0, unit: 'days' } } }, 'limits'],
      [{ code: 'E0197', parentCode: 'E01', name: 'x', nameEn: 'x', limits: { routine: { amount: 1.5, unit: 'days' } } }, 'limits.routine.amount'],
      // Working time the calendar cannot reach within its three years: every registration would fail.
      [{ code: 'E0197', parentCode: 'E01', name: 'x', nameEn: 'x', limits: { routine: { amount: 8760, unit: 'days' } } }, 'limits.routine.amount'],
      [{ code: 'E0197', parentCode: 'E01', name: 'x', nameEn: 'x', limits: { urgent: { amount: 8760, unit: 'hours' } } }, 'limits.urgent.amount'],
      [{ code: 'E0197', parentCode: 'E01', name: 'x', nameEn: 'x', colour: 'red' }, 'colour'],
    ];
    for (const [payload, field] of cases) {
      const res = await post(admin, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.field, JSON.stringify(payload)).toContain(field);
    }
    expect((await patch(admin, 'E0102', {})).statusCode).toBe(400);
    expect((await patch(admin, 'E0102', { limits: { routine: { amount: 8760, unit: 'days' } } })).json().error.field).toBe('limits.routine.amount');
    // A year round the clock is a limit the calendar can count.
    expect((await patch(admin, 'E0102', { limits: { routine: { amount: 8760, unit: 'natural_hours' } } })).statusCode).toBe(200);
    expect((await patch(admin, 'NOPE', { name: 'x' })).statusCode).toBe(404);
  });

  it('retires a class: its subclasses leave intake and the public services, and come back when restored', async () => {
    expect((await intake('E0102')).statusCode).toBe(201);
    const res = await patch(admin, 'E01', { active: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().active).toBe(false);
    const refused = await intake('E0102');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.field).toBe('categoryCode');
    const services = (await t.app.inject({ url: '/open311/v2/services.json' })).json() as { service_code: string }[];
    expect(services.some((s) => s.service_code === 'E0102')).toBe(false);
    expect((await patch(admin, 'E01', { active: true })).statusCode).toBe(200);
    expect((await intake('E0102')).statusCode).toBe(201);
  });

  it('changes a limit, which times the cases registered after it', async () => {
    const res = await patch(admin, 'E0102', { limits: { routine: { amount: 10, unit: 'days' }, urgent: { amount: 4, unit: 'hours' }, critical: { amount: 2, unit: 'natural_hours' } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().limits.routine).toEqual({ amount: 10, unit: 'days' });
    const audit = await t.env.db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'category.update').where('target_id', '=', 'E0102').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.before)).toContain('"routine"');
    // A grid worker's patrol report is registered at once, so its due date follows the new limit.
    const worker = t.as(await t.login('grid_worker'));
    const patrol = await worker({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'patrol', requestType: 'report', categoryCode: 'E0102', description: '路边垃圾堆积', location: point } });
    expect(patrol.statusCode, patrol.body).toBe(201);
    const row = await t.env.db.selectFrom('cases').select(['registered_at', 'due_at']).where('id', '=', patrol.json().id).executeTakeFirstOrThrow();
    // Ten working days span at least two weekends: more than twelve calendar days.
    expect(row.due_at!.getTime() - row.registered_at!.getTime()).toBeGreaterThan(12 * 86_400_000);
  });
});
