import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';

let t: TestInstance;
let city: number;
beforeAll(async () => {
  t = await testInstance();
  city = await unitId('320600');
});
afterAll(async () => { await t.close(); });

const login = (username: string, password: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, headers });

async function unitId(code: string): Promise<number> {
  const row = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return row.id;
}

describe('login', () => {
  it('answers a token and the user for the right password', async () => {
    const res = await login('dispatcher_d1', 'demo');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.user).toMatchObject({ username: 'dispatcher_d1', role: 'dispatcher', jurisdiction: { code: '320613', name: '崇川区' } });
    expect(body.user).not.toHaveProperty('passwordHash');
    const me = await t.as(body.token)({ url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().username).toBe('dispatcher_d1');
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const wrong = await login('admin', 'nope', { 'x-forwarded-for': '1' });
    const unknown = await login('nobody', 'demo');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it('names the field for bad input and never answers 500', async () => {
    const cases: [unknown, string][] = [
      [{ password: 'demo' }, 'username'],
      [{ username: 'admin' }, 'password'],
      [{ username: 'x'.repeat(65), password: 'demo' }, 'username'],
      [{ username: 42, password: 'demo' }, 'username'],
      [{ username: 'admin', password: 'demo', extra: 1 }, 'extra'],
    ];
    for (const [payload, field] of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_input', field });
    }
    const broken = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: '{"username":', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_json');
  });

  it('slows password guessing after ten failures from one address', async () => {
    const app = t.app;
    const attempt = () => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'mediator', password: 'guess' }, remoteAddress: '10.9.9.9' });
    for (let i = 0; i < 10; i++) expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('too_many_requests');
    // The right password is refused too while the window lasts: that is the point.
    const right = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'mediator', password: 'demo' }, remoteAddress: '10.9.9.9' });
    expect(right.statusCode).toBe(429);
  });
});

describe('sessions', () => {
  it('refuses a forged or malformed token', async () => {
    const forged = await t.as('A'.repeat(43))({ url: '/api/v1/auth/me' });
    expect(forged.statusCode).toBe(401);
    const malformed = await t.app.inject({ url: '/api/v1/auth/me', headers: { authorization: 'Basic abc' } });
    expect(malformed.statusCode).toBe(401);
  });

  it('ends the session on logout', async () => {
    const token = (await login('leader', 'demo')).json().token;
    expect((await t.as(token)({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await t.as(token)({ url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('refuses a token whose session has expired', async () => {
    const token = (await login('assessor', 'demo')).json().token;
    await t.env.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).execute();
    expect((await t.as(token)({ url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('changes a password, keeps this session and ends the others', async () => {
    const admin = await t.login('admin');
    const created = await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'pw_user', displayName: '改密', password: 'first-pass', role: 'mediator', jurisdictionId: city } });
    expect(created.statusCode).toBe(201);
    const a = (await login('pw_user', 'first-pass')).json().token;
    const b = (await login('pw_user', 'first-pass')).json().token;
    // Used once before, so that its user is remembered (session-cache.ts) when the password changes.
    expect((await t.as(b)({ url: '/api/v1/auth/me' })).statusCode).toBe(200);
    const wrong = await t.as(a)({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'nope', newPassword: 'second-pass' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.field).toBe('currentPassword');
    const short = await t.as(a)({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'first-pass', newPassword: 'short' } });
    expect(short.json().error.field).toBe('newPassword');
    const ok = await t.as(a)({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'first-pass', newPassword: 'second-pass' } });
    expect(ok.statusCode).toBe(204);
    expect((await t.as(a)({ url: '/api/v1/auth/me' })).statusCode).toBe(200);
    expect((await t.as(b)({ url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await login('pw_user', 'first-pass')).statusCode).toBe(401);
    expect((await login('pw_user', 'second-pass')).statusCode).toBe(200);
  });

  it("refuses a deactivated user's token", async () => {
    const admin = await t.login('admin');
    const created = (await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'leaver', displayName: '离职', password: 'leaver-pass', role: 'mediator', jurisdictionId: city } })).json();
    const token = (await login('leaver', 'leaver-pass')).json().token;
    expect((await t.as(token)({ url: '/api/v1/auth/me' })).statusCode).toBe(200);
    expect((await t.as(admin)({ method: 'DELETE', url: `/api/v1/users/${created.id}` })).statusCode).toBe(204);
    expect((await t.as(token)({ url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await login('leaver', 'leaver-pass')).statusCode).toBe(401);
  });
});

describe('users', () => {
  it('refuses an anonymous caller', async () => {
    const res = await t.app.inject({ url: '/api/v1/users' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
  });

  it('refuses a role without users.read', async () => {
    const res = await t.as(await t.login('dispatcher'))({ url: '/api/v1/users' });
    expect(res.statusCode).toBe(403);
  });

  it("hides users outside the caller's jurisdiction", async () => {
    const admin = await t.login('admin');
    const d1 = await unitId('320613');
    const made = await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'leader_d1', displayName: '崇川区领导', password: 'leader-pass', role: 'leader', jurisdictionId: d1 } });
    expect(made.statusCode).toBe(201);
    const token = (await login('leader_d1', 'leader-pass')).json().token;
    const list = await t.as(token)({ url: '/api/v1/users?pageSize=500' });
    expect(list.statusCode).toBe(200);
    const names = list.json().items.map((u: { username: string }) => u.username);
    expect(names).toContain('dispatcher_d1');
    expect(names).not.toContain('dispatcher_d2');
    expect(names).not.toContain('admin');
    const d2user = await t.env.db.selectFrom('users').select('id').where('username', '=', 'dispatcher_d2').executeTakeFirstOrThrow();
    const hidden = await t.as(token)({ url: `/api/v1/users/${d2user.id}` });
    expect(hidden.statusCode).toBe(404);
    // A district admin cannot place a user in another district either.
    const d2 = await unitId('320612');
    const districtAdmin = await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'admin_d1', displayName: '崇川区管理员', password: 'admin-pass', role: 'admin', jurisdictionId: d1 } });
    expect(districtAdmin.statusCode).toBe(201);
    const da = (await login('admin_d1', 'admin-pass')).json().token;
    const outside = await t.as(da)({ method: 'POST', url: '/api/v1/users', payload: { username: 'sneaky', displayName: 'x', password: 'sneaky-pass', role: 'dispatcher', jurisdictionId: d2 } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.field).toBe('jurisdictionId');
  });

  it('masks phone numbers for roles that do not need them and audits unmasked reads', async () => {
    const admin = await t.login('admin');
    const made = (await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'phoned', displayName: '有电话', password: 'phoned-pass', role: 'mediator', jurisdictionId: city, phone: '13812345678' } })).json();
    const asAuditor = await t.as(await t.login('auditor'))({ url: `/api/v1/users/${made.id}` });
    expect(asAuditor.json().phone).toBe('138****5678');
    const before = await t.env.db.selectFrom('audit_log').select('id').where('action', '=', 'personal_data.read').where('target_id', '=', String(made.id)).execute();
    const asAdmin = await t.as(admin)({ url: `/api/v1/users/${made.id}` });
    expect(asAdmin.json().phone).toBe('13812345678');
    const after = await t.env.db.selectFrom('audit_log').selectAll().where('action', '=', 'personal_data.read').where('target_id', '=', String(made.id)).execute();
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({ actor_name: 'admin', target_type: 'user' });
  });

  it('stores phone numbers encrypted', async () => {
    const row = await t.env.db.selectFrom('users').select('phone_enc').where('username', '=', 'phoned').executeTakeFirstOrThrow();
    expect(row.phone_enc).not.toContain('13812345678');
    expect(t.env.cipher.decrypt(row.phone_enc!)).toBe('13812345678');
  });

  it('refuses a taken username and bad fields', async () => {
    const admin = await t.as(await t.login('admin'));
    const taken = await admin({ method: 'POST', url: '/api/v1/users', payload: { username: 'admin', displayName: 'x', password: 'long-enough', role: 'admin', jurisdictionId: city } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.field).toBe('username');
    const badRole = await admin({ method: 'POST', url: '/api/v1/users', payload: { username: 'r1', displayName: 'x', password: 'long-enough', role: 'king', jurisdictionId: city } });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().error.field).toBe('role');
    const badPhone = await admin({ method: 'POST', url: '/api/v1/users', payload: { username: 'r2', displayName: 'x', password: 'long-enough', role: 'mediator', jurisdictionId: city, phone: '<script>' } });
    expect(badPhone.json().error.field).toBe('phone');
    const unknownUnit = await admin({ method: 'POST', url: '/api/v1/users', payload: { username: 'r3', displayName: 'x', password: 'long-enough', role: 'mediator', jurisdictionId: 999999 } });
    expect(unknownUnit.statusCode).toBe(400);
    expect(unknownUnit.json().error.field).toBe('jurisdictionId');
    const badId = await admin({ url: '/api/v1/users/abc' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.field).toBe('id');
  });

  it('records every account write in the audit trail with actor and address', async () => {
    const rows = await t.env.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').where('actor_name', '=', 'admin').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].ip).toBeTruthy();
    expect(rows[0].request_id).toBeTruthy();
    expect(JSON.stringify(rows)).not.toContain('long-enough');
  });
});

describe('changing an account', () => {
  const make = async (admin: string, payload: object) => {
    const res = await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number };
  };
  const patch = (token: string, id: number, payload: unknown) => t.as(token)({ method: 'PATCH', url: `/api/v1/users/${id}`, payload });
  const departments = async () => (await t.env.db.selectFrom('departments').select('id').orderBy('id').limit(2).execute()).map((d) => d.id);

  it('moves a user to another area and role, which her open session takes at once, and audits it in both areas', async () => {
    const admin = await t.login('admin');
    const [d1, d2] = [await unitId('320613'), await unitId('320612')];
    const user = await make(admin, { username: 'moving', displayName: '调动者', password: 'moving-pass', role: 'dispatcher', jurisdictionId: d1 });
    const session = (await login('moving', 'moving-pass')).json().token;
    const res = await patch(admin, user.id, { jurisdictionId: d2, role: 'leader', displayName: '调动后' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ role: 'leader', displayName: '调动后', jurisdiction: { code: '320612' }, active: true });
    const me = await t.as(session)({ url: '/api/v1/auth/me' });
    expect(me.json()).toMatchObject({ role: 'leader', jurisdiction: { code: '320612' } });
    const audits = await t.env.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.update').where('target_id', '=', String(user.id)).execute();
    const [p1, p2] = await Promise.all([d1, d2].map(async (id) => (await t.env.db.selectFrom('admin_units').select('path').where('id', '=', id).executeTakeFirstOrThrow()).path));
    expect(audits.map((a) => a.scope_path).sort()).toEqual([p1, p2].sort());
    expect(audits[0].before).toEqual({ role: 'dispatcher', jurisdictionId: d1, displayName: '调动者' });
    expect(audits[0].after).toEqual({ role: 'leader', jurisdictionId: d2, displayName: '调动后' });
  });

  it('changes a phone without writing it into the audit trail, and clears it', async () => {
    const admin = await t.login('admin');
    const user = await make(admin, { username: 'rephoned', displayName: '换号', password: 'rephoned-pass', role: 'mediator', jurisdictionId: city, phone: '13812345678' });
    const res = await patch(admin, user.id, { phone: '13900001111' });
    expect(res.json().phone).toBe('13900001111');
    const row = await t.env.db.selectFrom('users').select('phone_enc').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(t.env.cipher.decrypt(row.phone_enc!)).toBe('13900001111');
    expect((await patch(admin, user.id, { phone: null })).json().phone).toBeNull();
    const audits = await t.env.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.update').where('target_id', '=', String(user.id)).orderBy('id').execute();
    expect(audits.map((a) => [a.before, a.after])).toEqual([[{ phone: 'set' }, { phone: 'set' }], [{ phone: 'set' }, { phone: null }]]);
    expect(JSON.stringify(audits)).not.toMatch(/1381234|1390000/);
  });

  it('deactivates and lets back in through the same route', async () => {
    const admin = await t.login('admin');
    const user = await make(admin, { username: 'onoff', displayName: '停用再启用', password: 'onoff-pass', role: 'auditor', jurisdictionId: city });
    const session = (await login('onoff', 'onoff-pass')).json().token;
    expect((await t.as(session)({ url: '/api/v1/auth/me' })).json().role).toBe('auditor');
    // A change of role holds from the next request, though the session's user was remembered.
    expect((await patch(admin, user.id, { role: 'leader' })).json().role).toBe('leader');
    expect((await t.as(session)({ url: '/api/v1/auth/me' })).json().role).toBe('leader');
    expect((await patch(admin, user.id, { active: false })).json().active).toBe(false);
    expect((await t.as(session)({ url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await login('onoff', 'onoff-pass')).statusCode).toBe(401);
    expect((await patch(admin, user.id, { active: true })).json().active).toBe(true);
    expect((await login('onoff', 'onoff-pass')).statusCode).toBe(200);
    // The session ended by deactivation stays ended.
    expect((await t.as(session)({ url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('gives a department handler a department, and refuses one without', async () => {
    const admin = await t.login('admin');
    const [dept, other] = await departments();
    const noDept = await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'nodept', displayName: '无部门', password: 'nodept-pass', role: 'department_handler', jurisdictionId: city } });
    expect(noDept.statusCode).toBe(400);
    expect(noDept.json().error.field).toBe('departmentId');
    const handler = await make(admin, { username: 'moved_handler', displayName: '处置', password: 'handler-pass', role: 'department_handler', jurisdictionId: city, departmentId: dept });
    expect((await patch(admin, handler.id, { departmentId: other })).json().departmentId).toBe(other);
    const cleared = await patch(admin, handler.id, { departmentId: null });
    expect(cleared.statusCode).toBe(400);
    expect(cleared.json().error.field).toBe('departmentId');
    const mediator = await make(admin, { username: 'to_handler', displayName: '转处置', password: 'handler-pass', role: 'mediator', jurisdictionId: city });
    const bare = await patch(admin, mediator.id, { role: 'department_handler' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.field).toBe('departmentId');
    const unknown = await patch(admin, mediator.id, { role: 'department_handler', departmentId: 999999 });
    expect(unknown.json().error).toMatchObject({ field: 'departmentId' });
    expect((await patch(admin, mediator.id, { role: 'department_handler', departmentId: dept })).json()).toMatchObject({ role: 'department_handler', departmentId: dept });
    // Back to another role, she leaves the department, whose messages would otherwise still reach her.
    expect((await patch(admin, mediator.id, { role: 'dispatcher' })).json()).toMatchObject({ role: 'dispatcher', departmentId: null });
  });

  it('lets no one change their own role, area, department or standing, but their own name', async () => {
    const admin = await t.login('admin');
    const me = (await t.as(admin)({ url: '/api/v1/auth/me' })).json();
    for (const payload of [{ role: 'auditor' }, { jurisdictionId: city }, { departmentId: null }, { active: false }]) {
      const res = await patch(admin, me.id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(403);
      expect(res.json().error.message).toContain(Object.keys(payload)[0]);
    }
    const renamed = await patch(admin, me.id, { displayName: '系统管理员' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().displayName).toBe('系统管理员');
  });

  it("keeps a district administrator to her district's users and areas", async () => {
    const admin = await t.login('admin');
    const [d1, d2] = [await unitId('320613'), await unitId('320612')];
    await make(admin, { username: 'admin_d1b', displayName: '崇川区管理员', password: 'admin-pass', role: 'admin', jurisdictionId: d1 });
    const da = (await login('admin_d1b', 'admin-pass')).json().token;
    const inD1 = await make(admin, { username: 'worker_d1', displayName: '网格员', password: 'worker-pass', role: 'grid_worker', jurisdictionId: d1 });
    const inD2 = await make(admin, { username: 'worker_d2', displayName: '网格员', password: 'worker-pass', role: 'grid_worker', jurisdictionId: d2 });
    expect((await patch(da, inD2.id, { displayName: 'x' })).statusCode).toBe(404);
    expect((await t.as(da)({ method: 'POST', url: `/api/v1/users/${inD2.id}/password`, payload: { newPassword: 'taken-over' } })).statusCode).toBe(404);
    const away = await patch(da, inD1.id, { jurisdictionId: d2 });
    expect(away.statusCode).toBe(400);
    expect(away.json().error.field).toBe('jurisdictionId');
    const everywhere = await patch(da, inD1.id, { jurisdictionId: null });
    expect(everywhere.json().error.field).toBe('jurisdictionId');
    expect((await patch(await t.login('leader'), inD1.id, { displayName: 'x' })).statusCode).toBe(403);
    // A citizen without an area would be out of every administrator's sight: refused, nothing made.
    const citizen = await t.as(da)({ method: 'POST', url: '/api/v1/users', payload: { username: 'arealess', displayName: '居民', password: 'citizen-pass', role: 'citizen', jurisdictionId: null } });
    expect(citizen.statusCode, citizen.body).toBe(400);
    expect(citizen.json().error.field).toBe('jurisdictionId');
    expect((await patch(da, inD1.id, { role: 'citizen', jurisdictionId: null })).statusCode).toBe(400);
    expect(await t.env.db.selectFrom('users').select('id').where('username', '=', 'arealess').executeTakeFirst()).toBeUndefined();
    // Another district's bureau answers as no department at all.
    const all = (await t.as(admin)({ url: '/api/v1/departments' })).json().items as { id: number; adminUnit: { id: number } }[];
    const ofD2 = all.find((d) => d.adminUnit.id === d2)!;
    const ofD1 = all.find((d) => d.adminUnit.id === d1)!;
    const foreign = await t.as(da)({ method: 'POST', url: '/api/v1/users', payload: { username: 'foreign_handler', displayName: '处置', password: 'handler-pass', role: 'department_handler', jurisdictionId: d1, departmentId: ofD2.id } });
    expect(foreign.statusCode, foreign.body).toBe(400);
    expect(foreign.json().error).toMatchObject({ field: 'departmentId', message: `departmentId ${ofD2.id} does not exist` });
    expect((await patch(da, inD1.id, { role: 'department_handler', departmentId: ofD2.id })).statusCode).toBe(400);
    expect((await patch(da, inD1.id, { role: 'department_handler', departmentId: ofD1.id })).statusCode).toBe(200);
  });

  it('answers two requests for the same new username at once with one account and a 409', async () => {
    const admin = t.as(await t.login('admin'));
    const payload = { username: 'twice_clicked', displayName: '重复', password: 'twice-pass', role: 'mediator', jurisdictionId: city };
    const answers = await Promise.all([1, 2, 3].map(() => admin({ method: 'POST', url: '/api/v1/users', payload })));
    expect(answers.map((r) => r.statusCode).sort(), answers.map((r) => r.body).join('\n')).toEqual([201, 409, 409]);
  });

  it('names the field of bad input', async () => {
    const admin = await t.login('admin');
    const user = await make(admin, { username: 'badpatch', displayName: '坏输入', password: 'badpatch-pass', role: 'mediator', jurisdictionId: city });
    const cases: [unknown, string | undefined][] = [
      [{ role: 'king' }, 'role'],
      [{ displayName: '' }, 'displayName'],
      [{ phone: '<script>' }, 'phone'],
      [{ active: 'yes' }, 'active'],
      [{ jurisdictionId: 0 }, 'jurisdictionId'],
      [{ username: 'renamed' }, 'username'],
      [{ password: 'sneaky-pass' }, 'password'],
    ];
    for (const [payload, field] of cases) {
      const res = await patch(admin, user.id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_input', field });
    }
    const empty = await patch(admin, user.id, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/at least|fewer than 1/);
    expect((await patch(admin, 99999999, { displayName: 'x' })).statusCode).toBe(404);
  });
});

describe('resetting a password', () => {
  it('sets a new one, ends every session of the user and audits it without the password', async () => {
    const admin = await t.login('admin');
    const user = (await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'forgetful', displayName: '忘记密码', password: 'first-pass', role: 'mediator', jurisdictionId: city } })).json();
    const session = (await login('forgetful', 'first-pass')).json().token;
    const res = await t.as(admin)({ method: 'POST', url: `/api/v1/users/${user.id}/password`, payload: { newPassword: 'second-pass' } });
    expect(res.statusCode).toBe(204);
    expect((await t.as(session)({ url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await login('forgetful', 'first-pass')).statusCode).toBe(401);
    expect((await login('forgetful', 'second-pass')).statusCode).toBe(200);
    const audit = await t.env.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.password_reset').where('target_id', '=', String(user.id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_name).toBe('admin');
    expect(JSON.stringify(audit)).not.toContain('second-pass');
  });

  it('refuses a short password and one of your own', async () => {
    const admin = await t.login('admin');
    const me = (await t.as(admin)({ url: '/api/v1/auth/me' })).json();
    const user = await t.env.db.selectFrom('users').select('id').where('username', '=', 'forgetful').executeTakeFirstOrThrow();
    const short = await t.as(admin)({ method: 'POST', url: `/api/v1/users/${user.id}/password`, payload: { newPassword: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.field).toBe('newPassword');
    const own = await t.as(admin)({ method: 'POST', url: `/api/v1/users/${me.id}/password`, payload: { newPassword: 'my-own-new-pass' } });
    expect(own.statusCode).toBe(409);
  });
});
