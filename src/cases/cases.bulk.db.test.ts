import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { interiorPoint } from '../../test/fixtures.js';
import type { Area } from '../geo/geometry.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let d1: As;
let grids: { d1: Area; d2: Area };
let stall: string;
let privateMatter: string;

async function leafNamed(word: string): Promise<string> {
  const row = await t.env.db.selectFrom('case_categories as c').select('c.code').where('c.name', 'like', `%${word}%`)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('case_categories as k').select('k.code').whereRef('k.parent_code', '=', 'c.code'))))
    .executeTakeFirstOrThrow();
  return row.code;
}

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  d1 = t.as(await t.login('dispatcher_d1'));
  const d2Path = (await t.env.db.selectFrom('admin_units').select('path').where('code', '=', '320612').executeTakeFirstOrThrow()).path;
  const rows = (await t.env.db.selectFrom('grids').select(['boundary', 'path']).orderBy('id').execute()) as { boundary: Area; path: string }[];
  grids = { d1: rows.find((g) => !g.path.startsWith(d2Path))!.boundary, d2: rows.find((g) => g.path.startsWith(d2Path))!.boundary };
  stall = await leafNamed('占道经营');
  privateMatter = await leafNamed('户内');
});
afterAll(async () => { await t.close(); });

/** A case taken in by the city dispatcher and registered, with the version it now has. */
async function registeredCase(where: 'd1' | 'd2', categoryCode = stall, triage?: string): Promise<{ id: number; version: number }> {
  const made = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: {
    channel: 'hotline', requestType: 'complaint', description: '占道经营', categoryCode, location: interiorPoint(grids[where]), reporter: { phone: '13900002222' },
  } });
  expect(made.statusCode, made.body).toBe(201);
  const res = await dispatcher({ method: 'POST', url: `/api/v1/cases/${made.json().id}/actions`, payload: { action: 'register', version: 1, ...(triage ? { triage } : {}) } });
  expect(res.statusCode, res.body).toBe(200);
  return { id: res.json().id, version: res.json().version };
}

const bulk = (as: As, payload: Record<string, unknown>) => as({ method: 'POST', url: '/api/v1/cases/bulk-actions', payload });

async function trail(id: number) {
  const events = await t.env.db.selectFrom('case_events').select(['action', 'note']).where('case_id', '=', id).orderBy('id').execute();
  const audit = await t.env.db.selectFrom('audit_log').select('action').where('target_type', '=', 'case').where('target_id', '=', String(id))
    .where('action', 'like', 'case.%').orderBy('id').execute();
  return { events, audit: audit.map((a) => a.action) };
}

describe('bulk actions', () => {
  it('refuses an anonymous caller and a role that may not take the action', async () => {
    const one = await registeredCase('d1');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/cases/bulk-actions', payload: { action: 'dispatch', items: [one] } })).statusCode).toBe(401);
    const leader = t.as(await t.login('leader'));
    expect((await bulk(leader, { action: 'dispatch', items: [one] })).statusCode).toBe(403);
    expect((await dispatcher({ url: `/api/v1/cases/${one.id}` })).json().status).toBe('registered');
  });

  it('dispatches several cases, answering a stale one and one outside the jurisdiction on their own', async () => {
    const [a, stale, c] = [await registeredCase('d1'), await registeredCase('d1'), await registeredCase('d1')];
    const elsewhere = await registeredCase('d2');
    // Someone acts on `stale` after the dispatcher loaded it.
    expect((await dispatcher({ method: 'POST', url: `/api/v1/cases/${stale.id}/actions`, payload: { action: 'escalate', version: stale.version } })).statusCode).toBe(200);

    const res = await bulk(d1, { action: 'dispatch', items: [a, stale, c, elsewhere, { id: 99999999, version: 1 }], note: '批量派遣' });
    expect(res.statusCode, res.body).toBe(200);
    const { results, summary } = res.json();
    expect(summary).toEqual({ total: 5, succeeded: 2, failed: 3 });
    expect(results[0]).toEqual({ id: a.id, ok: true, status: 'dispatched', version: a.version + 1 });
    expect(results[1]).toMatchObject({ id: stale.id, ok: false, error: { code: 'conflict', field: 'version', details: { version: stale.version + 1 } } });
    expect(results[2]).toEqual({ id: c.id, ok: true, status: 'dispatched', version: c.version + 1 });
    // A case in another district answers exactly as one that does not exist.
    expect(results[3]).toEqual({ id: elsewhere.id, ok: false, error: { code: 'not_found', message: 'case not found' } });
    expect(results[4]).toEqual({ id: 99999999, ok: false, error: { code: 'not_found', message: 'case not found' } });

    for (const done of [a, c]) {
      const { events, audit } = await trail(done.id);
      expect(events.at(-1)).toEqual({ action: 'dispatch', note: '批量派遣' });
      expect(audit.filter((x) => x === 'case.dispatch')).toHaveLength(1);
      const notices = await t.env.db.selectFrom('notifications').select('channel').where('case_id', '=', done.id).where('channel', '=', 'web').execute();
      expect(notices.length).toBeGreaterThan(0);
    }
    for (const untouched of [stale, elsewhere]) {
      const { events, audit } = await trail(untouched.id);
      expect(events.map((e) => e.action)).not.toContain('dispatch');
      expect(audit).not.toContain('case.dispatch');
    }
    expect((await dispatcher({ url: `/api/v1/cases/${elsewhere.id}` })).json().status).toBe('registered');
    // The request leaves one audit row per case done and reads out no reporter.
    const rows = await t.env.db.selectFrom('audit_log').select(['action', 'target_id']).where('request_id', '=', String(res.headers['x-request-id'])).orderBy('id').execute();
    expect(rows).toEqual([{ action: 'case.dispatch', target_id: String(a.id) }, { action: 'case.dispatch', target_id: String(c.id) }]);
  });

  it('closes many cases with a template filled in for each, refusing a case not ready to close', async () => {
    const tid = (await dispatcher({ method: 'POST', url: '/api/v1/response-templates', payload: {
      title: '咨询答复', body: '工单{ticketNo}已答复，请联系物业维修。', actions: ['close'],
    } })).json().id;
    const advice = [await registeredCase('d1', privateMatter, 'private'), await registeredCase('d1', privateMatter, 'private')];
    const government = await registeredCase('d1');
    const received = (await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: {
      channel: 'hotline', requestType: 'inquiry', description: '咨询', location: interiorPoint(grids.d1),
    } })).json();
    const res = await bulk(d1, { action: 'close', templateId: tid, items: [...advice, government, { id: received.id, version: 1 }] });
    expect(res.statusCode, res.body).toBe(200);
    const { results, summary } = res.json();
    expect(summary).toEqual({ total: 4, succeeded: 2, failed: 2 });
    expect(results.slice(0, 2)).toEqual(advice.map((x) => ({ id: x.id, ok: true, status: 'closed', version: x.version + 1 })));
    expect(results[2]).toMatchObject({ id: government.id, ok: false, error: { code: 'action_not_allowed', field: 'action', details: { status: 'registered' } } });
    expect(results[3]).toMatchObject({ id: received.id, ok: false, error: { code: 'action_not_allowed', details: { status: 'received' } } });
    for (const x of advice) {
      const ticketNo = (await dispatcher({ url: `/api/v1/cases/${x.id}` })).json().ticketNo;
      const { events, audit } = await trail(x.id);
      expect(events.at(-1)).toEqual({ action: 'close', note: `工单${ticketNo}已答复，请联系物业维修。` });
      expect(audit.at(-1)).toBe('case.close');
    }
  });

  it('refuses more than 500 cases, a case listed twice, and an action not taken in bulk', async () => {
    const one = await registeredCase('d1');
    const many = Array.from({ length: 501 }, (_, i) => ({ id: i + 1, version: 1 }));
    const cases: [Record<string, unknown>, string][] = [
      [{ action: 'dispatch', items: many }, 'items'],
      [{ action: 'dispatch', items: [] }, 'items'],
      [{ action: 'dispatch', items: [one, { ...one }] }, 'items'],
      [{ action: 'merge', items: [one] }, 'action'],
      [{ action: 'fly', items: [one] }, 'action'],
    ];
    for (const [body, field] of cases) {
      const res = await bulk(dispatcher, body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().error.field, res.body).toBe(field);
    }
    expect((await bulk(dispatcher, { action: 'dispatch', items: [one, one] })).json().error.message).toContain(`case ${one.id}`);
    expect((await dispatcher({ url: `/api/v1/cases/${one.id}` })).json().status).toBe('registered');
  });

  it('names what is wrong with bad input', async () => {
    const one = await registeredCase('d1');
    const cases: [Record<string, unknown>, string][] = [
      [{ items: [one] }, 'action'],
      [{ action: 'dispatch' }, 'items'],
      [{ action: 'dispatch', items: [{ id: one.id }] }, 'items.0.version'],
      [{ action: 'dispatch', items: [{ id: 'x', version: 1 }] }, 'items.0.id'],
      [{ action: 'dispatch', items: [{ ...one, note: 'x' }] }, 'items.0.note'],
      [{ action: 'dispatch', items: [one], mergeIntoId: 3 }, 'mergeIntoId'],
      [{ action: 'dispatch', items: [one], note: 'x'.repeat(4001) }, 'note'],
      [{ action: 'reject', items: [one] }, 'note'],
      [{ action: 'callback', items: [one] }, 'satisfaction'],
      [{ action: 'callback', items: [one], satisfaction: 9 }, 'satisfaction'],
      [{ action: 'joint_dispatch', items: [one] }, 'supportDepartmentIds'],
    ];
    for (const [body, field] of cases) {
      const res = await bulk(dispatcher, body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().error.field, res.body).toBe(field);
    }
    // A parameter wrong for every case is answered per case, as each single action would answer it.
    const res = await bulk(dispatcher, { action: 'dispatch', items: [one], departmentId: 99999999 });
    expect(res.json().results[0]).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'departmentId' } });
  });
});
