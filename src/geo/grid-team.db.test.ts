import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { worksGrid } from './geo.service.js';

let t: TestInstance;
let admin: ReturnType<TestInstance['as']>;
/** A grid of district 1 and one of district 2, with their communities. */
let grid: { id: number; community_id: number };
let farGrid: { id: number; community_id: number };

beforeAll(async () => {
  t = await testInstance();
  admin = t.as(await t.login('admin'));
  const gridIn = async (code: string) => {
    const district = await t.env.db.selectFrom('admin_units').select('path').where('code', '=', code).executeTakeFirstOrThrow();
    return t.env.db.selectFrom('grids').select(['id', 'community_id']).where('path', 'like', `${district.path}%`).orderBy('id').executeTakeFirstOrThrow();
  };
  grid = await gridIn('320613');
  farGrid = await gridIn('320612');
});
afterAll(async () => { await t.close(); });

const put = (as: typeof admin, id: number, members: unknown) => as({ method: 'PUT', url: `/api/v1/grids/${id}/members`, payload: { members } });

async function account(username: string, role: string, jurisdictionId: number): Promise<number> {
  const res = await admin({ method: 'POST', url: '/api/v1/users', payload: { username, displayName: `${username}姓名`, password: 'team-pass-1', role, jurisdictionId } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

describe("a grid's team", () => {
  it('names a new grid worker by her account, who then verifies the grid, with a leader and liaisons by name', async () => {
    const before = (await admin({ url: `/api/v1/grids/${grid.id}` })).json().properties.workers as { userId: number }[];
    const worker = await account('team_worker', 'grid_worker', grid.community_id);
    const res = await put(admin, grid.id, [
      { role: 'worker', userId: worker },
      { role: 'leader', name: '张网格长', phone: '13800001111' },
      { role: 'police_officer', name: '李警官', organization: '城东派出所' },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json().properties;
    expect(p.workers).toEqual([expect.objectContaining({ userId: worker, name: 'team_worker姓名' })]);
    expect(p.leader).toMatchObject({ name: '张网格长', phone: '13800001111' });
    expect(p.liaisons).toMatchObject({ policeOfficer: { name: '李警官', organization: '城东派出所' }, judge: null, prosecutor: null, lawyer: null });
    expect(await worksGrid(t.env, worker, grid.id)).toBe(true);
    for (const w of before) if (w.userId) expect(await worksGrid(t.env, w.userId, grid.id)).toBe(false);

    const audit = await t.env.db.selectFrom('audit_log').selectAll().where('action', '=', 'grid_member.set').where('target_id', '=', String(grid.id)).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.actor_name).toBe('admin');
    expect((audit.after as { members: unknown[] }).members).toEqual([
      { role: 'worker', name: 'team_worker姓名', organization: null, userId: worker, phone: null },
      { role: 'leader', name: '张网格长', organization: null, userId: null, phone: 'set' },
      { role: 'police_officer', name: '李警官', organization: '城东派出所', userId: null, phone: null },
    ]);
    expect(JSON.stringify(audit)).not.toContain('13800001111');
  });

  it('refuses a team it cannot stand behind, naming the member and field, and keeps the team it had', async () => {
    const dispatcher = (await t.env.db.selectFrom('users').select('id').where('username', '=', 'dispatcher_d1').executeTakeFirstOrThrow()).id;
    const elsewhere = await account('far_worker', 'grid_worker', farGrid.community_id);
    const retired = await account('retired_worker', 'grid_worker', grid.community_id);
    expect((await admin({ method: 'DELETE', url: `/api/v1/users/${retired}` })).statusCode).toBe(204);
    const cases: [unknown[], string, RegExp][] = [
      [[{ role: 'worker', userId: dispatcher }], 'members.0.userId', /grid_worker role/],
      [[{ role: 'worker', userId: elsewhere }], 'members.0.userId', /does not hold this grid/],
      [[{ role: 'worker', userId: retired }], 'members.0.userId', /not an active account/],
      [[{ role: 'worker', userId: 99999999 }], 'members.0.userId', /not an active account/],
      [[{ role: 'leader', name: '甲' }, { role: 'leader', name: '乙' }], 'members.1.role', /one leader/],
      [[{ role: 'judge' }], 'members.0.name', /give the name/],
      [[{ role: 'lawyer', name: '王律师', phone: 'call me' }], 'members.0.phone', /.+/],
      [[{ role: 'mayor', name: '赵' }], 'members.0.role', /.+/],
      [[{ role: 'lawyer', name: '王律师', email: 'x@y' }], 'members.0.email', /.+/],
    ];
    const team = (await admin({ url: `/api/v1/grids/${grid.id}` })).json().properties;
    for (const [members, field, message] of cases) {
      const res = await put(admin, grid.id, members);
      expect(res.statusCode, JSON.stringify(members)).toBe(400);
      expect(res.json().error.field, JSON.stringify(members)).toBe(field);
      expect(res.json().error.message).toMatch(message);
    }
    expect((await admin({ url: `/api/v1/grids/${grid.id}` })).json().properties).toEqual(team);
  });

  it("is kept by administrators of the grid's area only", async () => {
    expect((await put(t.as(await t.login('dispatcher_d1')), grid.id, [])).statusCode).toBe(403);
    await account('admin_d2_team', 'admin', (await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320612').executeTakeFirstOrThrow()).id);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin_d2_team', password: 'team-pass-1' } });
    const districtAdmin = t.as(login.json().token);
    expect((await put(districtAdmin, grid.id, [])).statusCode).toBe(404);
    // Her own district's grid she keeps, but not with a worker of another district.
    const worker = (await t.env.db.selectFrom('users').select('id').where('username', '=', 'team_worker').executeTakeFirstOrThrow()).id;
    const res = await put(districtAdmin, farGrid.id, [{ role: 'worker', userId: worker }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/not an active account in your jurisdiction/);
  });

  it("lists the grid workers who may join a grid's team: those whose jurisdiction holds it", async () => {
    const names = async (query: string) => ((await admin({ url: `/api/v1/users?role=grid_worker&pageSize=500&${query}` })).json().items as { username: string }[]).map((u) => u.username);
    const candidates = await names(`covering=${grid.community_id}`);
    expect(candidates).toContain('team_worker');
    expect(candidates).not.toContain('far_worker');
    expect(await names(`covering=${farGrid.community_id}`)).toContain('far_worker');
    const unknown = await admin({ url: '/api/v1/users?covering=99999999' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.field).toBe('covering');
  });

  it('clears a team with an empty list', async () => {
    const res = await put(admin, grid.id, []);
    expect(res.statusCode).toBe(200);
    expect(res.json().properties).toMatchObject({ workers: [], leader: null, liaisons: { policeOfficer: null } });
  });
});
