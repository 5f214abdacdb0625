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

  it("finds a record's history, a family of actions, one actor's doings and a period", async () => {
    const auditor = t.as(await t.login('auditor'));
    const target = await t.env.db.selectFrom('users').select('id').where('username', '=', 'auditor_d1').executeTakeFirstOrThrow();
    const history = (await auditor({ url: `/api/v1/audit?targetType=user&targetId=${target.id}&limit=500` })).json().items as { action: string; target: { id: string } }[];
    expect(history.map((r) => r.action)).toEqual(expect.arrayContaining(['user.create', 'session.login']));
    expect(history.every((r) => r.target.id === String(target.id))).toBe(true);

    const sessions = (await auditor({ url: '/api/v1/audit?action=session.*&limit=500' })).json().items as { action: string }[];
    expect(new Set(sessions.map((r) => r.action))).toEqual(new Set(['session.login']));
    // A family's name is matched as written: "_" is no wildcard.
    expect((await auditor({ url: '/api/v1/audit?action=personal_data.*' })).json().items.length).toBeGreaterThan(0);
    expect((await auditor({ url: '/api/v1/audit?action=personalxdata.*' })).json().items).toEqual([]);

    const byAdmin = (await auditor({ url: '/api/v1/audit?actor=admin&limit=500' })).json().items as { actor: { username: string } }[];
    expect(byAdmin.length).toBeGreaterThan(0);
    expect(byAdmin.every((r) => r.actor.username === 'admin')).toBe(true);

    const all = (await auditor({ url: '/api/v1/audit?limit=500' })).json().items as { id: number; at: string }[];
    expect(all.length).toBeLessThan(500); // the whole trail of this test's instance, so the two halves add up to it
    const middle = all[Math.floor(all.length / 2)];
    const from = encodeURIComponent(middle.at);
    const since = (await auditor({ url: `/api/v1/audit?from=${from}&limit=500` })).json().items as { at: string }[];
    const until = (await auditor({ url: `/api/v1/audit?to=${from}&limit=500` })).json().items as { at: string }[];
    expect(since.every((r) => r.at >= middle.at)).toBe(true);
    expect(until.every((r) => r.at < middle.at)).toBe(true);
    expect(since.length + until.length).toBe(all.length);
  });

  it('names a bad filter', async () => {
    const auditor = t.as(await t.login('auditor'));
    for (const [query, field] of [['limit=5000', 'limit'], ['action=case.%25', 'action'], ['action=*', 'action'], ['from=yesterday', 'from'],
      ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'to'], ['actor=', 'actor']] as const) {
      const res = await auditor({ url: `/api/v1/audit?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toBe(field);
    }
  });
});
