import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { testInstance, type TestInstance } from '../../test/app.js';
import type { Area } from '../geo/geometry.js';
import { TRANSITIONS } from './cases.workflow.js';
import { interiorPoint, departmentHandler } from '../../test/fixtures.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let admin: As;
let grids: { id: number; code: string; boundary: Area; path: string }[];
let d2Path: string;
/** Leaf categories by a word of their name, looked up in the seeded taxonomy. */
const leaf: Record<string, { code: string; department_kind: string | null; triage: string | null }> = {};

const inside = interiorPoint;

async function findLeaf(word: string) {
  const rows = await t.env.db.selectFrom('case_categories as c').select(['c.code', 'c.department_kind', 'c.triage', 'c.name'])
    .where('c.name', 'like', `%${word}%`)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('case_categories as k').select('k.code').whereRef('k.parent_code', '=', 'c.code'))))
    .execute();
  if (!rows.length) throw new Error(`no leaf category named like ${word}`);
  return rows[0];
}

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  admin = t.as(await t.login('admin'));
  grids = (await t.env.db.selectFrom('grids').select(['id', 'code', 'boundary', 'path']).orderBy('id').execute()) as typeof grids;
  d2Path = (await t.env.db.selectFrom('admin_units').select('path').where('code', '=', '320612').executeTakeFirstOrThrow()).path;
  leaf.stall = await findLeaf('占道经营');
  leaf.private = await findLeaf('户内');
  leaf.community = await findLeaf('化粪池');
});
afterAll(async () => { await t.close(); });

const d1Grid = () => grids.find((g) => !g.path.startsWith(d2Path))!;
const d2Grid = () => grids.find((g) => g.path.startsWith(d2Path))!;

function hotline(overrides: Record<string, unknown> = {}) {
  return { channel: 'hotline', requestType: 'complaint', description: '深夜酒吧噪音扰民', location: inside(d1Grid().boundary), reporter: { name: '王小明', phone: '13812345678' }, ...overrides };
}

async function intake(as: As, body: object, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return as({ method: 'POST', url: '/api/v1/cases', payload: body, headers });
}

async function act(as: As, id: number, body: Record<string, unknown>) {
  const current = (await admin({ url: `/api/v1/cases/${id}` })).json();
  return as({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { version: current.version, ...body } });
}

/** Signs in the worker of a case's grid. */
async function gridWorkerOf(caseId: number): Promise<As> {
  const c = await t.env.db.selectFrom('cases').select('grid_id').where('id', '=', caseId).executeTakeFirstOrThrow();
  const member = await t.env.db.selectFrom('grid_members').innerJoin('users', 'users.id', 'grid_members.user_id')
    .select('users.username').where('grid_members.grid_id', '=', c.grid_id!).where('grid_members.role', '=', 'worker').executeTakeFirstOrThrow();
  return t.as(await t.login(member.username));
}

const handlerOf = (departmentId: number) => departmentHandler(t, departmentId);

describe('intake', () => {
  it('refuses an anonymous caller and a role without a staff channel', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/cases', payload: hotline() })).statusCode).toBe(401);
    expect((await intake(t.as(await t.login('auditor')), hotline())).statusCode).toBe(403);
  });

  it('takes a hotline call in: numbered, located to its grid, with a proposed route', async () => {
    const res = await intake(dispatcher, hotline({ categoryCode: leaf.stall.code }));
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.ticketNo).toMatch(/^\d{8}\d{5,}$/);
    expect(body.status).toBe('received');
    expect(body.grid.id).toBe(d1Grid().id);
    expect(body.route.department?.name).toBeTruthy();
  });

  it("registers a grid worker's patrol report to her grid at once, with a due date", async () => {
    const grid = d1Grid();
    const worker = await t.env.db.selectFrom('grid_members').innerJoin('users', 'users.id', 'grid_members.user_id')
      .select('users.username').where('grid_members.grid_id', '=', grid.id).where('grid_members.role', '=', 'worker').executeTakeFirstOrThrow();
    const gw = t.as(await t.login(worker.username));
    const res = await intake(gw, { channel: 'patrol', requestType: 'report', categoryCode: leaf.stall.code, description: '人行道占道经营', location: inside(grid.boundary) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'registered', grid: { id: grid.id } });
    const c = (await gw({ url: `/api/v1/cases/${res.json().id}` })).json();
    expect(c.dueAt).toBeTruthy();
    expect(c.timeline.map((e: { action: string }) => e.action)).toEqual(['receive', 'register']);
  });

  it('names what is wrong with bad input', async () => {
    const cases: [object, string, As?][] = [
      [hotline({ location: { lon: 100, lat: 30 } }), 'location'],
      [hotline({ location: { lon: 200, lat: 30 } }), 'location.lon'],
      [hotline({ location: undefined }), 'location'],
      [hotline({ description: 'x'.repeat(4001) }), 'description'],
      [hotline({ description: '' }), 'description'],
      [hotline({ categoryCode: 'NOPE' }), 'categoryCode'],
      [hotline({ channel: 'patrol' }), 'channel'],
      [hotline({ channel: 'carrier_pigeon' }), 'channel'],
      [hotline({ requestType: 42 }), 'requestType'],
      [hotline({ reporter: { phone: 'call me' } }), 'reporter.phone'],
      [hotline({ secret: 1 }), 'secret'],
      [hotline({ location: undefined, adminUnitId: 99999999 }), 'adminUnitId'],
    ];
    for (const [body, field] of cases) {
      const res = await intake(dispatcher, body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().error.field, res.body).toBe(field);
    }
  });

  it('answers a repeated Idempotency-Key with the first case instead of a second', async () => {
    const headers = { 'idempotency-key': 'call-20261124-0001' };
    const first = await intake(dispatcher, hotline(), headers);
    const again = await intake(dispatcher, hotline(), headers);
    expect(first.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    const n = await t.env.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('intake_key', 'like', '%call-20261124-0001').executeTakeFirstOrThrow();
    expect(n.n).toBe(1);
  });

  it('refuses the same Idempotency-Key with another request, rather than answer a case it did not describe', async () => {
    const headers = { 'idempotency-key': 'call-20261124-0002' };
    const first = await intake(dispatcher, hotline(), headers);
    expect(first.statusCode).toBe(201);
    // The same request with its keys in another order is still the same request.
    const { reporter, ...rest } = hotline();
    expect((await intake(dispatcher, { reporter, ...rest }, headers)).json().id).toBe(first.json().id);
    const reused = await intake(dispatcher, hotline({ description: '另一件事：路灯不亮' }), headers);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error).toMatchObject({ code: 'idempotency_key_reused', field: 'idempotency-key', message: expect.stringContaining(first.json().ticketNo) });
    // Keys are the caller's own: another dispatcher's same key is a new case.
    expect((await intake(t.as(await t.login('dispatcher_d1')), hotline({ description: '另一件事：路灯不亮' }), headers)).statusCode).toBe(201);
  });

  it('makes one case of concurrent requests with the same Idempotency-Key, answering both with it', async () => {
    const headers = { 'idempotency-key': 'call-20261124-race' };
    const both = await Promise.all([intake(dispatcher, hotline(), headers), intake(dispatcher, hotline(), headers)]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 201]);
    expect(both[0].json().id).toBe(both[1].json().id);
  });

  it('takes in a burst written together, each case with its own ticket, timeline, message and audit row', async () => {
    const before = await t.env.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'case.create').executeTakeFirstOrThrow();
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => intake(dispatcher, { ...hotline(), description: `burst ${i}` })));
    expect(burst.every((r) => r.statusCode === 201)).toBe(true);
    const ids = burst.map((r) => r.json().id as number);
    expect(new Set(burst.map((r) => r.json().ticketNo)).size).toBe(12);
    const rows = await t.env.db.selectFrom('cases').select(['id', 'description']).where('id', 'in', ids).execute();
    // Each answer names its own case, not a neighbour's in the batch.
    expect(new Map(rows.map((r) => [r.id, r.description]))).toEqual(new Map(ids.map((id, i) => [id, `burst ${i}`])));
    const events = await t.env.db.selectFrom('case_events').select('case_id').where('case_id', 'in', ids).where('action', '=', 'receive').execute();
    expect(events.map((e) => e.case_id).sort()).toEqual([...ids].sort());
    const messages = await t.env.db.selectFrom('notifications').select('case_id').where('case_id', 'in', ids).execute();
    expect(new Set(messages.map((m) => m.case_id)).size).toBe(12);
    const after = await t.env.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'case.create').executeTakeFirstOrThrow();
    expect(after.n - before.n).toBe(12);
  });

  it("registers a grid worker's patrol at once only in her own grid; seen elsewhere it waits for a dispatcher", async () => {
    const worker = await gridWorkerOf((await intake(dispatcher, hotline())).json().id);
    const me = (await worker({ url: '/api/v1/auth/me' })).json();
    const own = await t.env.db.selectFrom('grid_members').select('grid_id').where('user_id', '=', me.id).where('role', '=', 'worker').execute();
    const ownGrid = grids.find((g) => g.id === own[0].grid_id)!;
    const otherGrid = grids.find((g) => !own.some((o) => o.grid_id === g.id))!;
    const patrol = (where: Area) => intake(worker, { channel: 'patrol', requestType: 'report', categoryCode: leaf.stall.code, description: '占道经营', location: inside(where) });
    const mine = await patrol(ownGrid.boundary);
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json().status).toBe('registered');
    const seen = await patrol(otherGrid.boundary);
    expect(seen.statusCode, seen.body).toBe(201);
    expect(seen.json().status).toBe('received');
  });

  it('keeps the reporter encrypted, masked for roles that do not need them', async () => {
    const id = (await intake(dispatcher, hotline())).json().id;
    const row = await t.env.db.selectFrom('cases').select(['reporter_phone_enc', 'reporter_name_enc']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.reporter_phone_enc).not.toContain('13812345678');
    const leader = t.as(await t.login('leader'));
    const asLeader = (await leader({ url: `/api/v1/cases/${id}` })).json();
    expect(asLeader.reporter).toEqual({ name: '王**', phone: '138****5678', email: null, revealable: false });
    expect((await leader({ url: `/api/v1/cases/${id}/reporter` })).statusCode).toBe(403);
  });

  it('masks the reporter in the case for everyone, and shows them whole on its own request, audited each time', async () => {
    const id = (await intake(dispatcher, hotline())).json().id;
    const readings = () => t.env.db.selectFrom('audit_log').select(['actor_id', 'after']).where('action', '=', 'personal_data.read')
      .where('target_type', '=', 'case').where('target_id', '=', String(id)).execute();
    for (let i = 0; i < 3; i++) {
      const view = (await dispatcher({ url: `/api/v1/cases/${id}` })).json();
      expect(view.reporter).toEqual({ name: '王**', phone: '138****5678', email: null, revealable: true });
    }
    expect(await readings()).toEqual([]);
    const whole = await dispatcher({ url: `/api/v1/cases/${id}/reporter` });
    expect(whole.statusCode, whole.body).toBe(200);
    expect(whole.json()).toEqual({ name: '王小明', phone: '13812345678', email: null });
    expect((await readings()).map((r) => (r.after as { field: string }).field).sort()).toEqual(['name', 'phone']);

    const kept = (await intake(dispatcher, hotline({ confidential: true }))).json().id;
    expect((await dispatcher({ url: `/api/v1/cases/${kept}` })).json().reporter).toEqual({ name: null, phone: null, email: null, revealable: false });
    const refused = await dispatcher({ url: `/api/v1/cases/${kept}/reporter` });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('13812345678');
  });
});

describe('the closed loop', () => {
  it('walks a case from the hotline to closure with the right people at each step', async () => {
    const id = (await intake(dispatcher, hotline())).json().id;
    let res = await act(dispatcher, id, { action: 'register', categoryCode: leaf.stall.code, urgency: 'routine' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'registered', category: { code: leaf.stall.code } });
    res = await act(dispatcher, id, { action: 'dispatch' });
    expect(res.json().status).toBe('dispatched');
    const lead = res.json().departments.find((d: { role: string }) => d.role === 'lead');
    expect(lead).toBeTruthy();
    const handler = await handlerOf(lead.id);
    expect((await handler({ url: `/api/v1/cases/${id}` })).json().allowedActions).toEqual(expect.arrayContaining(['accept', 'return', 'transfer']));
    expect((await act(handler, id, { action: 'accept' })).json().status).toBe('in_progress');
    expect((await act(handler, id, { action: 'report_back', note: '已清理占道摊位' })).json().status).toBe('reported');
    const worker = await gridWorkerOf(id);
    expect((await worker({ url: `/api/v1/cases/${id}` })).json().allowedActions).toEqual(['verify_ok', 'verify_fail']);
    expect((await act(worker, id, { action: 'verify_ok', note: '现场核查已清理' })).json().status).toBe('verified');
    res = await act(dispatcher, id, { action: 'callback', satisfaction: 5 });
    expect(res.json()).toMatchObject({ status: 'verified', satisfaction: 5 });
    res = await act(dispatcher, id, { action: 'close' });
    expect(res.json()).toMatchObject({ status: 'closed', open: false, allowedActions: expect.arrayContaining(['reopen']) });
    expect(res.json().timeline.map((e: { action: string }) => e.action)).toEqual(['receive', 'register', 'dispatch', 'accept', 'report_back', 'verify_ok', 'callback', 'close']);
    const audit = await t.env.db.selectFrom('audit_log').select('action').where('target_type', '=', 'case').where('target_id', '=', String(id)).where('action', 'like', 'case.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['case.create', 'case.register', 'case.dispatch', 'case.accept', 'case.report_back', 'case.verify_ok', 'case.callback', 'case.close']);
  });

  it('answers an illegal action with 409 and the allowed ones', async () => {
    const id = (await intake(dispatcher, hotline())).json().id;
    const res = await act(dispatcher, id, { action: 'close' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'action_not_allowed', field: 'action' });
    expect(res.json().error.details.allowedActions).toEqual(expect.arrayContaining(['register', 'reject', 'void', 'merge']));
    const handler = await t.as(await t.login('department_handler'));
    expect((await act(handler, id, { action: 'register', categoryCode: leaf.stall.code })).statusCode).toBe(409);
  });

  it('lets exactly one of two actions on the same version win', async () => {
    const id = (await intake(dispatcher, hotline({ categoryCode: leaf.stall.code }))).json().id;
    const { version } = (await dispatcher({ url: `/api/v1/cases/${id}` })).json();
    const [a, b] = await Promise.all([
      dispatcher({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { action: 'register', version } }),
      dispatcher({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { action: 'reject', version, note: '重复' } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const events = await t.env.db.selectFrom('case_events').select('action').where('case_id', '=', id).execute();
    expect(events.filter((e) => e.action === 'register' || e.action === 'reject')).toHaveLength(1);
  });

  it('refuses an action decided on an old version, naming the version', async () => {
    const id = (await intake(dispatcher, hotline())).json().id;
    const { version } = (await dispatcher({ url: `/api/v1/cases/${id}` })).json();
    expect((await dispatcher({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { action: 'escalate', version } })).statusCode).toBe(200);
    const stale = await dispatcher({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { action: 'supervise', version, note: '督办' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ field: 'version', details: { version: version + 1 } });
  });

  it('requires a note where the reason matters', async () => {
    const id = (await intake(dispatcher, hotline())).json().id;
    const res = await act(dispatcher, id, { action: 'reject' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('note');
  });

  it('reopens on failed verification and on a dissatisfied call back, counting both', async () => {
    const id = (await intake(dispatcher, hotline({ categoryCode: leaf.stall.code }))).json().id;
    await act(dispatcher, id, { action: 'register' });
    const lead = (await act(dispatcher, id, { action: 'dispatch' })).json().departments[0].id;
    const handler = await handlerOf(lead);
    await act(handler, id, { action: 'accept' });
    await act(handler, id, { action: 'report_back', note: '已处理' });
    const worker = await gridWorkerOf(id);
    expect((await act(worker, id, { action: 'verify_fail', note: '摊位仍在' })).json()).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    await act(handler, id, { action: 'report_back', note: '再次处理' });
    await act(worker, id, { action: 'verify_ok' });
    expect((await act(dispatcher, id, { action: 'callback', satisfaction: 1 })).json()).toMatchObject({ status: 'in_progress', reopenCount: 2, satisfaction: 1 });
  });

  it('sends a joint dispatch to a lead and supporting departments, and takes returns back to the dispatcher', async () => {
    const id = (await intake(dispatcher, hotline({ categoryCode: leaf.stall.code }))).json().id;
    await act(dispatcher, id, { action: 'register' });
    const departments = (await dispatcher({ url: '/api/v1/departments' })).json().items as { id: number; kind: string }[];
    const [lead, support] = [departments.find((d) => d.kind === 'urban_management')!, departments.find((d) => d.kind === 'market')!];
    const missing = await act(dispatcher, id, { action: 'joint_dispatch', departmentId: lead.id });
    expect(missing.json().error.field).toBe('supportDepartmentIds');
    const res = await act(dispatcher, id, { action: 'joint_dispatch', departmentId: lead.id, supportDepartmentIds: [support.id] });
    expect(res.json().departments).toEqual(expect.arrayContaining([expect.objectContaining({ id: lead.id, role: 'lead' }), expect.objectContaining({ id: support.id, role: 'support' })]));
    const supporter = await handlerOf(support.id);
    expect((await supporter({ url: `/api/v1/cases/${id}` })).json().allowedActions).toEqual([]);
    const handler = await handlerOf(lead.id);
    const returned = await act(handler, id, { action: 'return', note: '不属于本部门职责' });
    expect(returned.json()).toMatchObject({ status: 'returned', departments: [] });
    expect((await act(dispatcher, id, { action: 'dispatch', departmentId: support.id })).json().status).toBe('dispatched');
  });

  it('does not send a returned case back where it came from unasked, and proposes the department a transfer names', async () => {
    const id = (await intake(dispatcher, hotline({ categoryCode: leaf.stall.code }))).json().id;
    await act(dispatcher, id, { action: 'register' });
    const lead = (await act(dispatcher, id, { action: 'dispatch' })).json().departments[0].id as number;
    await act(await handlerOf(lead), id, { action: 'return', note: '不属于本部门职责' });
    const returned = (await dispatcher({ url: `/api/v1/cases/${id}` })).json();
    expect(returned.proposedRoute).toEqual({ department: null, reason: 'returned' });
    const unasked = await act(dispatcher, id, { action: 'dispatch' });
    expect(unasked.statusCode).toBe(400);
    expect(unasked.json().error.field).toBe('departmentId');
    // Named outright, having read why, it may go there again; transferred on, the named department is proposed.
    expect((await act(dispatcher, id, { action: 'dispatch', departmentId: lead })).json().status).toBe('dispatched');
    const departments = (await dispatcher({ url: '/api/v1/departments' })).json().items as { id: number; kind: string }[];
    const market = departments.find((d) => d.kind === 'market')!;
    await act(await handlerOf(lead), id, { action: 'transfer', note: '应由市场监管部门办理', departmentId: market.id });
    expect((await dispatcher({ url: `/api/v1/cases/${id}` })).json().proposedRoute).toMatchObject({ department: { id: market.id }, reason: 'suggested' });
    expect((await act(dispatcher, id, { action: 'dispatch' })).json().departments).toEqual([expect.objectContaining({ id: market.id, role: 'lead' })]);
  });

  it('extends a deadline on request, defers, hangs and resumes', async () => {
    const id = (await intake(dispatcher, hotline({ categoryCode: leaf.stall.code }))).json().id;
    await act(dispatcher, id, { action: 'register' });
    const lead = (await act(dispatcher, id, { action: 'dispatch' })).json().departments[0].id;
    const handler = await handlerOf(lead);
    await act(handler, id, { action: 'accept' });
    const before = (await admin({ url: `/api/v1/cases/${id}` })).json().dueAt;
    // Half a working day, or more than the calendar looks ahead: the caller's mistake, the case untouched.
    for (const extension of [{ amount: 0.5, unit: 'days' }, { amount: 1000, unit: 'days' }]) {
      for (const [who, action] of [[handler, 'request_extension'], [dispatcher, 'extend']] as const) {
        const refused = await act(who, id, { action, note: '需协调产权单位', extension });
        expect(refused.statusCode, refused.body).toBe(400);
        expect(refused.json().error.field).toBe('extension');
      }
    }
    expect((await admin({ url: `/api/v1/cases/${id}` })).json()).toMatchObject({ dueAt: before, extensionCount: 0 });
    expect((await act(handler, id, { action: 'request_extension', note: '需协调产权单位', extension: { amount: 3, unit: 'days' } })).statusCode).toBe(200);
    const extended = (await act(dispatcher, id, { action: 'extend', extension: { amount: 3, unit: 'days' } })).json();
    expect(new Date(extended.dueAt).getTime()).toBeGreaterThan(new Date(before).getTime());
    expect(extended.extensionCount).toBe(1);
    expect((await act(dispatcher, id, { action: 'defer', note: '待天气好转' })).json().status).toBe('deferred');
    expect((await act(dispatcher, id, { action: 'hang', note: '长期挂账' })).json().status).toBe('hung');
    expect((await act(dispatcher, id, { action: 'resume' })).json().status).toBe('registered');
    expect((await act(dispatcher, id, { action: 'escalate' })).json().escalationLevel).toBe(1);
    expect((await act(t.as(await t.login('leader')), id, { action: 'supervise', note: '请加快办理' })).statusCode).toBe(200);
  });

  it('ends cases that are not for the loop: rejected, void, referred out, merged, private advice', async () => {
    const make = async (extra: Record<string, unknown> = {}) => (await intake(dispatcher, hotline(extra))).json().id as number;
    expect((await act(dispatcher, await make(), { action: 'reject', note: '不属于受理范围' })).json().status).toBe('rejected');
    expect((await act(dispatcher, await make(), { action: 'void', note: '测试数据' })).json().status).toBe('void');
    expect((await act(dispatcher, await make(), { action: 'refer_out', note: '火情转119', referTo: '119' })).json().status).toBe('referred');
    const target = await make();
    const merged = (await act(dispatcher, await make(), { action: 'merge', mergeIntoId: target })).json();
    expect(merged).toMatchObject({ status: 'merged', mergedIntoId: target });
    const privateCase = await make({ categoryCode: leaf.private.code });
    await act(dispatcher, privateCase, { action: 'register', triage: 'private' });
    expect((await act(dispatcher, privateCase, { action: 'close', note: '已告知联系物业或维修公司' })).json().status).toBe('closed');
    const governmentCase = await make({ categoryCode: leaf.stall.code });
    await act(dispatcher, governmentCase, { action: 'register' });
    // A government matter closes only once handled: not offered, and refused as not allowed now.
    const registered = (await dispatcher({ url: `/api/v1/cases/${governmentCase}` })).json();
    expect(registered.allowedActions).not.toContain('close');
    expect((await dispatcher({ url: `/api/v1/cases/${privateCase}` })).json().status).toBe('closed');
    const refused = await act(dispatcher, governmentCase, { action: 'close' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'action_not_allowed', details: { allowedActions: registered.allowedActions } });
  });

  it('covers every action in the transition table', () => {
    // The tests above take each of these at least once; a new action must join them.
    expect(Object.keys(TRANSITIONS).sort()).toEqual(['accept', 'callback', 'close', 'defer', 'dispatch', 'escalate', 'extend', 'hang', 'joint_dispatch', 'merge', 'rate', 'refer_out', 'register', 'reject', 'reopen', 'report_back', 'request_extension', 'resume', 'return', 'supervise', 'transfer', 'verify_fail', 'verify_ok', 'void'].sort());
  });
});

describe('the jurisdiction in actions that name another record', () => {
  it('merges only into an open case the caller can see, answering one elsewhere as one that does not exist', async () => {
    const d1 = t.as(await t.login('dispatcher_d1'));
    const mine = (await intake(dispatcher, hotline())).json().id as number;
    const elsewhere = (await intake(dispatcher, hotline({ location: inside(d2Grid().boundary) }))).json().id as number;
    const refused = await act(d1, mine, { action: 'merge', mergeIntoId: elsewhere });
    const missing = await act(d1, mine, { action: 'merge', mergeIntoId: 99999999 });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error).toEqual({ ...missing.json().error, message: missing.json().error.message.replace('99999999', String(elsewhere)) });
    expect((await admin({ url: `/api/v1/cases/${mine}` })).json()).toMatchObject({ status: 'received', version: 1 });
  });

  it('lets only one of two cases merged into each other at once go', async () => {
    for (let round = 0; round < 5; round++) {
      const [x, y] = [(await intake(dispatcher, hotline())).json().id, (await intake(dispatcher, hotline())).json().id] as number[];
      const answers = await Promise.all([
        dispatcher({ method: 'POST', url: `/api/v1/cases/${x}/actions`, payload: { action: 'merge', version: 1, mergeIntoId: y } }),
        dispatcher({ method: 'POST', url: `/api/v1/cases/${y}/actions`, payload: { action: 'merge', version: 1, mergeIntoId: x } }),
      ]);
      expect(answers.map((r) => r.statusCode).sort(), answers.map((r) => r.body).join('\n')).toEqual([200, 400]);
      const states = await t.env.db.selectFrom('cases').select('status').where('id', 'in', [x, y]).execute();
      expect(states.map((c) => c.status).sort()).toEqual(['merged', 'received']);
    }
  });

  it("dispatches only to departments that serve the case's place", async () => {
    const id = (await intake(dispatcher, hotline({ categoryCode: leaf.stall.code }))).json().id as number;
    await act(dispatcher, id, { action: 'register' });
    const departments = (await admin({ url: '/api/v1/departments' })).json().items as { id: number; kind: string; adminUnit: { id: number } }[];
    const d2 = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320612').executeTakeFirstOrThrow();
    const otherDistrict = departments.find((d) => d.adminUnit.id === Number(d2.id))!;
    expect(otherDistrict).toBeTruthy();
    const alone = await act(dispatcher, id, { action: 'dispatch', departmentId: otherDistrict.id });
    expect(alone.statusCode, alone.body).toBe(400);
    expect(alone.json().error.field).toBe('departmentId');
    // Dispatched where the catalogue says and sent back, then summoned with the other district's bureau.
    const lead = (await act(dispatcher, id, { action: 'dispatch' })).json().departments[0].id as number;
    await act(await handlerOf(lead), id, { action: 'return', note: '不属于本部门职责' });
    const joint = await act(dispatcher, id, { action: 'joint_dispatch', departmentId: lead, supportDepartmentIds: [otherDistrict.id] });
    expect(joint.statusCode, joint.body).toBe(400);
    expect(joint.json().error.field).toBe('supportDepartmentIds');
    expect((await admin({ url: `/api/v1/cases/${id}` })).json()).toMatchObject({ status: 'returned', departments: [] });
  });
});

describe('routing', () => {
  it('sends a community matter to the community committee', async () => {
    const res = await intake(dispatcher, hotline({ categoryCode: leaf.community.code, triage: 'community' }));
    expect(res.json().route).toMatchObject({ reason: 'community' });
    expect(res.json().route.department.name).toMatch(/委/);
  });

  it('follows a catalogue rule set on a district for every place under it, and not elsewhere', async () => {
    const departments = (await admin({ url: '/api/v1/departments' })).json().items as { id: number; kind: string; adminUnit: { code: string } }[];
    const special = departments.find((d) => d.kind === 'law_enforcement')!;
    const d1 = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320613').executeTakeFirstOrThrow();
    const set = await admin({ method: 'PUT', url: '/api/v1/routing-rules', payload: { categoryCode: leaf.stall.code, adminUnitId: d1.id, departmentId: special.id } });
    expect(set.statusCode, set.body).toBe(200);
    const inD1 = await intake(dispatcher, hotline({ categoryCode: leaf.stall.code }));
    expect(inD1.json().route).toMatchObject({ reason: 'rule', department: { id: special.id } });
    const inD2 = await intake(dispatcher, hotline({ categoryCode: leaf.stall.code, location: inside(d2Grid().boundary) }));
    expect(inD2.json().route.reason).toBe('category');
    expect(inD2.json().route.department.id).not.toBe(special.id);
    // The case page proposes the same route to whoever may dispatch it, once it is registered.
    await act(dispatcher, inD1.json().id, { action: 'register', categoryCode: leaf.stall.code, urgency: 'routine' });
    const page = (await dispatcher({ url: `/api/v1/cases/${inD1.json().id}` })).json();
    expect(page.proposedRoute).toMatchObject({ reason: 'rule', department: { id: special.id } });
    expect((await dispatcher({ method: 'PUT', url: '/api/v1/routing-rules', payload: { categoryCode: leaf.stall.code, adminUnitId: d1.id, departmentId: special.id } })).statusCode).toBe(403);
  });

  it("refuses a rule sending a unit's cases to a department that does not serve it", async () => {
    const departments = (await admin({ url: '/api/v1/departments' })).json().items as { id: number; adminUnit: { id: number } }[];
    const [d1, d2] = await Promise.all(['320613', '320612'].map((code) => t.env.db.selectFrom('admin_units').select('id').where('code', '=', code).executeTakeFirstOrThrow()));
    const ofD2 = departments.find((d) => d.adminUnit.id === Number(d2.id))!;
    const refused = await admin({ method: 'PUT', url: '/api/v1/routing-rules', payload: { categoryCode: leaf.stall.code, adminUnitId: d1.id, departmentId: ofD2.id } });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error.field).toBe('departmentId');
    expect((await admin({ method: 'PUT', url: '/api/v1/routing-rules', payload: { categoryCode: leaf.stall.code, adminUnitId: d2.id, departmentId: ofD2.id } })).statusCode).toBe(200);
    await admin({ method: 'DELETE', url: `/api/v1/routing-rules/${leaf.stall.code}/${d2.id}` });
  });
});

describe('case list', () => {
  it('refuses an anonymous caller', async () => {
    expect((await t.app.inject({ url: '/api/v1/cases' })).statusCode).toBe(401);
  });

  it("hides cases outside the caller's jurisdiction", async () => {
    const d2Case = (await intake(dispatcher, hotline({ location: inside(d2Grid().boundary), description: '通州区的案件' }))).json();
    const d1 = t.as(await t.login('dispatcher_d1'));
    expect((await d1({ url: `/api/v1/cases/${d2Case.id}` })).statusCode).toBe(404);
    const list = (await d1({ url: '/api/v1/cases?pageSize=200' })).json();
    expect(list.items.map((c: { id: number }) => c.id)).not.toContain(d2Case.id);
    expect((await d1({ method: 'POST', url: `/api/v1/cases/${d2Case.id}/actions`, payload: { action: 'register', version: 1 } })).statusCode).toBe(404);
    const d2 = t.as(await t.login('dispatcher_d2'));
    expect((await d2({ url: `/api/v1/cases?q=${d2Case.ticketNo}` })).json().items.map((c: { id: number }) => c.id)).toEqual([d2Case.id]);
  });

  it('takes a call about a place in another district, sends the case there, and then keeps it from the caller', async () => {
    const d1 = t.as(await t.login('dispatcher_d1'));
    const taken = await intake(d1, hotline({ location: inside(d2Grid().boundary), description: '邻区来电' }));
    expect(taken.statusCode).toBe(201);
    // The caller is told where it went, so the resident can be told who will handle it…
    expect(taken.json().grid).toMatchObject({ id: d2Grid().id });
    // …and the case belongs to the other district from then on.
    expect((await d1({ url: `/api/v1/cases/${taken.json().id}` })).statusCode).toBe(404);
    const d2 = t.as(await t.login('dispatcher_d2'));
    expect((await d2({ url: `/api/v1/cases/${taken.json().id}` })).json()).toMatchObject({ ticketNo: taken.json().ticketNo });
  });

  it("filters by grid, for a grid worker's round, and gives each case's version for bulk actions", async () => {
    const [a, b] = [grids[0], grids[1]];
    const inA = (await intake(dispatcher, hotline({ location: inside(a.boundary) }))).json();
    await intake(dispatcher, hotline({ location: inside(b.boundary) }));
    const page = (await dispatcher({ url: `/api/v1/cases?gridId=${a.id}&pageSize=200` })).json();
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((c: { gridId: number }) => c.gridId === a.id)).toBe(true);
    expect(page.items.find((c: { id: number }) => c.id === inA.id)).toMatchObject({ version: expect.any(Number) });
    expect((await dispatcher({ url: '/api/v1/cases?gridId=0' })).json().error.field).toContain('gridId');
  });

  it('filters by status, channel, category, text and date, and pages', async () => {
    const all = (await dispatcher({ url: '/api/v1/cases?pageSize=200' })).json();
    expect(all.total).toBeGreaterThan(10);
    const received = (await dispatcher({ url: '/api/v1/cases?status=received&pageSize=200' })).json();
    expect(received.items.every((c: { status: string }) => c.status === 'received')).toBe(true);
    const patrol = (await dispatcher({ url: '/api/v1/cases?channel=patrol' })).json();
    expect(patrol.items.every((c: { channel: string }) => c.channel === 'patrol')).toBe(true);
    expect(patrol.total).toBeGreaterThan(0);
    const text = (await dispatcher({ url: `/api/v1/cases?q=${encodeURIComponent('通州区的案件')}` })).json();
    expect(text.total).toBe(1);
    const future = (await dispatcher({ url: `/api/v1/cases?from=${encodeURIComponent('2099-01-01T00:00:00Z')}` })).json();
    expect(future.total).toBe(0);
    const page2 = (await dispatcher({ url: '/api/v1/cases?pageSize=5&page=2' })).json();
    expect(page2.items[0].id).toBe(all.items[5].id);
    const bad = await dispatcher({ url: '/api/v1/cases?from=yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('from');
  });
});

describe('duplicates', () => {
  it('offers an open case of the same category nearby, reported shortly before, for merging', async () => {
    const point = inside(d1Grid().boundary);
    const first = (await intake(dispatcher, hotline({ categoryCode: leaf.stall.code, location: point }))).json();
    const near = { lon: point.lon + 0.0003, lat: point.lat }; // about 30 m east
    const second = (await intake(dispatcher, hotline({ categoryCode: leaf.stall.code, location: near }))).json();
    expect(second.possibleDuplicates.map((d: { id: number }) => d.id)).toContain(first.id);
    const offered = second.possibleDuplicates.find((d: { id: number }) => d.id === first.id);
    expect(offered.distanceM).toBeGreaterThan(20);
    expect(offered.distanceM).toBeLessThan(40);
    expect((await dispatcher({ url: `/api/v1/cases/${second.id}/duplicates` })).json().items.map((d: { id: number }) => d.id)).toContain(first.id);
    const merged = await act(dispatcher, second.id, { action: 'merge', mergeIntoId: first.id });
    expect(merged.json()).toMatchObject({ status: 'merged', mergedIntoId: first.id });
  });

  it('does not offer another category, a case far away, a closed one or one outside the time window', async () => {
    const point = inside(d1Grid().boundary);
    const other = (await intake(dispatcher, hotline({ categoryCode: leaf.community.code, location: point }))).json();
    const far = (await intake(dispatcher, hotline({ categoryCode: leaf.community.code, location: inside(d2Grid().boundary) }))).json();
    const old = (await intake(dispatcher, hotline({ categoryCode: leaf.community.code, location: point }))).json();
    await t.env.db.updateTable('cases').set({ created_at: new Date(Date.now() - 80 * 3600_000) }).where('id', '=', old.id).execute();
    const closed = (await intake(dispatcher, hotline({ categoryCode: leaf.community.code, location: point }))).json();
    await act(dispatcher, closed.id, { action: 'void', note: '测试' });
    const fresh = (await intake(dispatcher, hotline({ categoryCode: leaf.stall.code, location: point }))).json();
    const ids = fresh.possibleDuplicates.map((d: { id: number }) => d.id);
    for (const id of [other.id, far.id, old.id, closed.id]) expect(ids).not.toContain(id);
    const sameCategory = (await intake(dispatcher, hotline({ categoryCode: leaf.community.code, location: point }))).json();
    const offered = sameCategory.possibleDuplicates.map((d: { id: number }) => d.id);
    expect(offered).toContain(other.id);
    expect(offered).not.toContain(far.id);
    expect(offered).not.toContain(old.id);
    expect(offered).not.toContain(closed.id);
  });

  it('offers a case reported at the same moment, taken in with it, to the later of the two', async () => {
    const point = inside(grids[2].boundary);
    const both = await Promise.all([1, 2].map(() => intake(dispatcher, hotline({ categoryCode: leaf.stall.code, location: point }))));
    const [first, second] = both.map((r) => r.json()).sort((a, b) => a.id - b.id);
    expect(second.possibleDuplicates.map((d: { id: number }) => d.id)).toContain(first.id);
    expect(first.possibleDuplicates.map((d: { id: number }) => d.id)).not.toContain(second.id);
  });
});
