import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';

let t: TestInstance;
let auditorD1: ReturnType<TestInstance['as']>;
let d1Path: string;

beforeAll(async () => {
  t = await testInstance();
  const admin = t.as(await t.login('admin'));
  const d1 = await t.env.db.selectFrom('admin_units').select(['id', 'path']).where('code', '=', '320613').executeTakeFirstOrThrow();
  d1Path = d1.path;
  const made = await admin({ method: 'POST', url: '/api/v1/users', payload: { username: 'auditor_d1', displayName: '崇川区审计', password: 'auditor-pass', role: 'auditor', jurisdictionId: d1.id } });
  expect(made.statusCode).toBe(201);
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'auditor_d1', password: 'auditor-pass' } });
  auditorD1 = t.as(login.json().token);
  // Reading a district-2 user's phone as admin leaves an audit row in district 2.
  const d2user = await t.env.db.selectFrom('users').select('id').where('username', '=', 'dispatcher_d2').executeTakeFirstOrThrow();
  await admin({ url: `/api/v1/users/${d2user.id}` });
});
afterAll(async () => { await t.close(); });

describe('audit trail', () => {
  it('refuses an anonymous caller', async () => {
    expect((await t.app.inject({ url: '/api/v1/audit' })).statusCode).toBe(401);
  });

  it('refuses a role without audit.read', async () => {
    expect((await t.as(await t.login('dispatcher'))({ url: '/api/v1/audit' })).statusCode).toBe(403);
  });

  it("hides audit rows outside the caller's jurisdiction", async () => {
    const rows = (await auditorD1({ url: '/api/v1/audit?limit=500' })).json().items as { id: number }[];
    expect(rows.length).toBeGreaterThan(0);
    const scopes = await t.env.db.selectFrom('audit_log').select(['id', 'scope_path']).where('id', 'in', rows.map((r) => r.id)).execute();
    for (const s of scopes) expect(s.scope_path?.startsWith(d1Path)).toBe(true);
    const cityWide = (await t.as(await t.login('auditor'))({ url: '/api/v1/audit?action=personal_data.read' })).json().items;
    expect(cityWide.length).toBeGreaterThan(0);
    const d1Reads = (await auditorD1({ url: '/api/v1/audit?action=personal_data.read' })).json().items;
    expect(d1Reads).toEqual([]);
  });

  it('shows actor, action, target, before/after and address, newest first, paged by id', async () => {
    const auditor = t.as(await t.login('auditor'));
    const first = (await auditor({ url: '/api/v1/audit?limit=3' })).json().items;
    expect(first).toHaveLength(3);
    expect(first[0].id).toBeGreaterThan(first[1].id);
    const next = (await auditor({ url: `/api/v1/audit?limit=3&beforeId=${first[2].id}` })).json().items;
    expect(next[0].id).toBeLessThan(first[2].id);
    const created = (await auditor({ url: '/api/v1/audit?action=user.create&limit=500' })).json().items.find((r: { after?: { username?: string } }) => r.after?.username === 'auditor_d1');
    expect(created).toMatchObject({ actor: { username: 'admin', role: 'admin' }, action: 'user.create', target: { type: 'user' }, after: { role: 'auditor' } });
    expect(created.ip).toBeTruthy();
  });

  it('names a bad filter', async () => {
    const res = await t.as(await t.login('auditor'))({ url: '/api/v1/audit?limit=5000' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('limit');
  });
});
