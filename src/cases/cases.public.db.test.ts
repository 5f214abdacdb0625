import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { buildApp } from '../app.js';
import type { Area } from '../geo/geometry.js';
import { interiorPoint, departmentHandler } from '../../test/fixtures.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let admin: As;
let grid: { id: number; boundary: Area };
let stall: string;

const inside = interiorPoint;

let addressCounter = 0;
/** A fresh client address, so the per-address limit only bites where a test wants it to. */
const nextAddress = () => `10.20.${Math.floor(++addressCounter / 250)}.${addressCounter % 250}`;

/** Asks for a challenge and works out its answer, as a person would. */
async function solved(): Promise<{ id: string; answer: number }> {
  const res = await t.app.inject({ url: '/api/v1/public/challenge' });
  expect(res.statusCode).toBe(200);
  const { id, question } = res.json() as { id: string; question: string };
  const m = /^(\d+) (加|减) (\d+) 等于几？$/.exec(question);
  if (!m) throw new Error(`unexpected question ${question}`);
  return { id, answer: m[2] === '加' ? Number(m[1]) + Number(m[3]) : Number(m[1]) - Number(m[3]) };
}

async function report(body: Record<string, unknown>, remoteAddress = nextAddress()) {
  return t.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: body, remoteAddress });
}

async function goodReport(overrides: Record<string, unknown> = {}) {
  return {
    description: '小区门口垃圾堆积三天无人清理',
    location: inside(grid.boundary),
    address: '崇川区某路12号门口',
    reporter: { name: '李小红', phone: '13900001111' },
    challenge: await solved(),
    ...overrides,
  };
}

async function act(as: As, id: number, body: Record<string, unknown>) {
  const current = (await admin({ url: `/api/v1/cases/${id}` })).json();
  const res = await as({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { version: current.version, ...body } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const handlerOf = (departmentId: number) => departmentHandler(t, departmentId);

async function gridWorker(): Promise<{ as: As; username: string }> {
  const member = await t.env.db.selectFrom('grid_members').innerJoin('users', 'users.id', 'grid_members.user_id')
    .select('users.username').where('grid_members.grid_id', '=', grid.id).where('grid_members.role', '=', 'worker').executeTakeFirstOrThrow();
  return { as: t.as(await t.login(member.username)), username: member.username };
}

/** Takes a citizen's case from received to verified through the staff API; answers the staff who acted. */
async function handle(ticketNo: string, answer: string) {
  const { id } = await t.env.db.selectFrom('cases').select('id').where('ticket_no', '=', ticketNo).executeTakeFirstOrThrow();
  await act(dispatcher, id, { action: 'register', categoryCode: stall });
  const lead = (await act(dispatcher, id, { action: 'dispatch' })).departments[0].id as number;
  const handler = await handlerOf(lead);
  await act(handler, id, { action: 'accept' });
  await act(handler, id, { action: 'report_back', note: answer });
  const worker = await gridWorker();
  await act(worker.as, id, { action: 'verify_ok', note: '现场核查属实' });
  return { id, staff: ['dispatcher', `handler_${lead}`, worker.username, '处置人员'] };
}

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  admin = t.as(await t.login('admin'));
  grid = (await t.env.db.selectFrom('grids').select(['id', 'boundary']).orderBy('id').executeTakeFirstOrThrow()) as typeof grid;
  stall = (await t.env.db.selectFrom('case_categories').select('code').where('name', '=', '占道经营').executeTakeFirstOrThrow()).code;
});
afterAll(async () => { await t.close(); });

describe('the citizen door', () => {
  it('takes a report, lets the citizen follow it without staff names or personal data, and takes their rating', async () => {
    const res = await report(await goodReport());
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ ticketNo: expect.stringMatching(/^\d{13,}$/), status: 'received', secret: expect.any(String) });
    expect(created.followUrl).toBe(`/api/v1/public/cases/${created.ticketNo}`);
    const row = await t.env.db.selectFrom('cases').select(['channel', 'reporter_phone_enc', 'public_secret_hash']).where('ticket_no', '=', created.ticketNo).executeTakeFirstOrThrow();
    expect(row.channel).toBe('citizen_app');
    expect(row.reporter_phone_enc).not.toContain('13900001111');
    expect(row.public_secret_hash).not.toBe(created.secret);

    const follow = await t.app.inject({ url: created.followUrl });
    expect(follow.statusCode).toBe(200);
    expect(follow.json()).toMatchObject({ ticketNo: created.ticketNo, status: 'received', open: true });

    const { staff } = await handle(created.ticketNo, '已清理垃圾并安排每日巡查');
    // The reporter, by their secret, reads the answer; not having agreed to be shown, nobody else does.
    const handled = await t.app.inject({ url: created.followUrl, headers: { 'x-case-secret': created.secret } });
    const view = handled.json();
    expect(view.status).toBe('verified');
    expect(view.timeline.map((e: { action: string }) => e.action)).toEqual(['receive', 'register', 'dispatch', 'accept', 'report_back', 'verify_ok']);
    expect(view.timeline.find((e: { action: string }) => e.action === 'report_back').answer).toBe('已清理垃圾并安排每日巡查');
    expect(view).toMatchObject({ description: '小区门口垃圾堆积三天无人清理', address: '崇川区某路12号门口' });
    for (const headers of [{}, { 'x-case-secret': 'not-the-secret' }]) {
      const stranger = (await t.app.inject({ url: created.followUrl, headers })).json();
      expect(stranger.timeline.find((e: { action: string }) => e.action === 'report_back').answer).toBeNull();
      expect([stranger.description, stranger.address, stranger.location]).toEqual([null, null, null]);
    }
    // Internal notes and everyone's names stay inside.
    expect(handled.body).not.toContain('现场核查属实');
    for (const text of ['13900001111', '李小红', ...staff]) expect(handled.body).not.toContain(text);

    const rated = await t.app.inject({ method: 'POST', url: `${created.followUrl}/rating`, payload: { secret: created.secret, satisfaction: 5, comment: '处理及时' } });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ status: 'verified', satisfaction: 5 });
    expect((await t.app.inject({ url: created.followUrl })).json().satisfaction).toBe(5);
    const again = await t.app.inject({ method: 'POST', url: `${created.followUrl}/rating`, payload: { secret: created.secret, satisfaction: 4 } });
    expect(again.statusCode).toBe(400);
  });

  it('shows what the reporter wrote, where, only when they agreed to be seen', async () => {
    const kept = (await report(await goodReport())).json();
    const shown = (await report(await goodReport({ showPublicly: true, description: '路灯不亮已经一周' }))).json();
    const view = async (ticketNo: string) => (await t.app.inject({ url: `/api/v1/public/cases/${ticketNo}` })).json();
    expect(await view(kept.ticketNo)).toMatchObject({ shownPublicly: false, location: null, photos: [] });
    // Staff see whether it is, and so whom their answer reaches.
    const staffView = async (ticketNo: string) => {
      const { id } = await t.env.db.selectFrom('cases').select('id').where('ticket_no', '=', ticketNo).executeTakeFirstOrThrow();
      return (await dispatcher({ url: `/api/v1/cases/${id}` })).json().shownPublicly;
    };
    expect([await staffView(kept.ticketNo), await staffView(shown.ticketNo)]).toEqual([false, true]);
    expect(await view(shown.ticketNo)).toMatchObject({ shownPublicly: true, location: { lon: expect.any(Number), lat: expect.any(Number) } });
    // Open311's list answers the same to any client: the words and place of one, not the other.
    const listed = await t.app.inject({ url: `/open311/v2/requests.json?service_request_id=${kept.ticketNo},${shown.ticketNo}` });
    expect(listed.statusCode, listed.body).toBe(200);
    const byId = new Map((listed.json() as Record<string, unknown>[]).map((r) => [r.service_request_id, r]));
    expect(byId.get(kept.ticketNo)).toMatchObject({ description: null, address: null });
    expect(byId.get(kept.ticketNo)?.lat ?? null).toBeNull();
    expect(byId.get(shown.ticketNo)).toMatchObject({ description: '路灯不亮已经一周', address: '崇川区某路12号门口', lat: expect.any(Number) });
    expect(listed.body).not.toContain('李小红');
    // Official answers may quote the address: of a case not shown, Open311's updates leave them out.
    const since = new Date(Date.now() - 1000).toISOString();
    await handle(kept.ticketNo, '崇川区某路12号门口的垃圾已清理');
    await handle(shown.ticketNo, '路灯已修复');
    const updates = await t.app.inject({ url: `/open311/v2/servicerequestupdates.json?start_date=${encodeURIComponent(since)}` });
    expect(updates.statusCode, updates.body).toBe(200);
    expect(updates.body).toContain('路灯已修复');
    expect(updates.body).not.toContain('崇川区某路12号');
    expect((await view(kept.ticketNo)).timeline.every((e: { answer: string | null }) => e.answer === null)).toBe(true);
    expect((await view(shown.ticketNo)).timeline.some((e: { answer: string | null }) => e.answer === '路灯已修复')).toBe(true);
    expect(await view(shown.ticketNo)).toMatchObject({ description: '路灯不亮已经一周', address: '崇川区某路12号门口' });
    const bad = await report(await goodReport({ showPublicly: 'yes' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('showPublicly');
  });

  it('reopens a case the citizen rates 1', async () => {
    const created = (await report(await goodReport())).json();
    await handle(created.ticketNo, '已处理');
    const rated = await t.app.inject({ method: 'POST', url: `${created.followUrl}/rating`, payload: { secret: created.secret, satisfaction: 1, comment: '垃圾还在' } });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ status: 'in_progress', open: true, satisfaction: 1 });
    const row = await t.env.db.selectFrom('cases').select(['reopen_count', 'status']).where('ticket_no', '=', created.ticketNo).executeTakeFirstOrThrow();
    expect(row).toEqual({ reopen_count: 1, status: 'in_progress' });
  });

  it('lets the call back keep the rating the citizen gave, without asking for it again', async () => {
    const created = (await report(await goodReport())).json();
    const { id } = await handle(created.ticketNo, '已清理');
    const view = async () => (await admin({ url: `/api/v1/cases/${id}` })).json();
    // Unrated, the call back records how satisfied the reporter is.
    expect((await view()).reporterRating).toBeNull();
    const unrated = await dispatcher({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { action: 'callback', version: (await view()).version } });
    expect(unrated.statusCode, unrated.body).toBe(400);
    expect(unrated.json().error.field).toBe('satisfaction');

    const rated = await t.app.inject({ method: 'POST', url: `${created.followUrl}/rating`, payload: { secret: created.secret, satisfaction: 4 } });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(await view()).toMatchObject({ status: 'verified', satisfaction: 4, reporterRating: 4 });
    const called = await act(dispatcher, id, { action: 'callback', note: '电话回访，市民已在网上评价' });
    expect(called).toMatchObject({ status: 'verified', satisfaction: 4, reporterRating: 4, reopenCount: 0 });
    expect(called.timeline.at(-1)).toMatchObject({ action: 'callback', detail: { satisfaction: 4, byReporter: true } });
    expect((await act(dispatcher, id, { action: 'close' })).status).toBe('closed');
  });

  it('asks the call back again once the citizen\'s low rating has reopened the case and it has been handled anew', async () => {
    const created = (await report(await goodReport())).json();
    const { id } = await handle(created.ticketNo, '已处理');
    const rated = await t.app.inject({ method: 'POST', url: `${created.followUrl}/rating`, payload: { secret: created.secret, satisfaction: 2 } });
    expect(rated.json()).toMatchObject({ status: 'in_progress', satisfaction: 2 });
    const lead = (await admin({ url: `/api/v1/cases/${id}` })).json().departments[0].id as number;
    await act(await handlerOf(lead), id, { action: 'report_back', note: '已重新清理' });
    await act((await gridWorker()).as, id, { action: 'verify_ok' });
    const view = (await admin({ url: `/api/v1/cases/${id}` })).json();
    expect(view).toMatchObject({ status: 'verified', satisfaction: 2, reporterRating: null });
    const unrated = await dispatcher({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { action: 'callback', version: view.version } });
    expect(unrated.statusCode, unrated.body).toBe(400);
    expect(unrated.json().error.field).toBe('satisfaction');
    expect(await act(dispatcher, id, { action: 'callback', satisfaction: 4 })).toMatchObject({ status: 'verified', satisfaction: 4 });
  });

  it('refuses a rating with the wrong secret, before the case is handled, and for an unknown ticket', async () => {
    const created = (await report(await goodReport())).json();
    const url = `${created.followUrl}/rating`;
    const wrong = await t.app.inject({ method: 'POST', url, payload: { secret: 'not-the-secret', satisfaction: 5 } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.field).toBe('secret');
    const early = await t.app.inject({ method: 'POST', url, payload: { secret: created.secret, satisfaction: 5 } });
    expect(early.statusCode).toBe(409);
    for (const [payload, field] of [[{ secret: created.secret, satisfaction: 6 }, 'satisfaction'], [{ secret: created.secret }, 'satisfaction'], [{ satisfaction: 3 }, 'secret'], [{ secret: created.secret, satisfaction: 3, comment: '' }, 'comment']] as const) {
      const res = await t.app.inject({ method: 'POST', url, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe(field);
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/public/cases/2000010199999/rating', payload: { secret: 'x', satisfaction: 5 } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/public/cases/2000010199999' })).statusCode).toBe(404);
  });

  it('names the field of every bad input, and never answers 500', async () => {
    const cases: [(c: { id: string; answer: number }) => Record<string, unknown>, string][] = [
      [(c) => ({ ...base, challenge: c, description: '' }), 'description'],
      [(c) => ({ ...base, challenge: c, description: 'x'.repeat(2001) }), 'description'],
      [(c) => ({ ...base, challenge: c, description: undefined }), 'description'],
      [(c) => ({ ...base, challenge: c, categoryCode: 'NOPE' }), 'categoryCode'],
      [(c) => ({ ...base, challenge: c, categoryCode: 'E01' }), 'categoryCode'],
      [(c) => ({ ...base, challenge: c, categoryCode: 'E 01' }), 'categoryCode'],
      [(c) => ({ ...base, challenge: c, requestType: 'gossip' }), 'requestType'],
      [(c) => ({ ...base, challenge: c, location: undefined }), 'location'],
      [(c) => ({ ...base, challenge: c, location: { lon: 200, lat: 30 } }), 'location.lon'],
      [(c) => ({ ...base, challenge: c, location: { lon: 120.8, lat: '32' } }), 'location.lat'],
      [(c) => ({ ...base, challenge: c, location: { lon: 100, lat: 30 } }), 'location'],
      [(c) => ({ ...base, challenge: c, address: '' }), 'address'],
      [(c) => ({ ...base, challenge: c, reporter: { phone: 'call me' } }), 'reporter.phone'],
      [(c) => ({ ...base, challenge: c, reporter: { name: '' } }), 'reporter.name'],
      [(c) => ({ ...base, challenge: c, reporter: { email: 'a@b.cn' } }), 'reporter.email'],
      [(c) => ({ ...base, challenge: c, secret: 'mine' }), 'secret'],
      [() => ({ ...base }), 'challenge'],
      [(c) => ({ ...base, challenge: { id: c.id } }), 'challenge.answer'],
      [(c) => ({ ...base, challenge: { ...c, answer: c.answer + 1 } }), 'challenge'],
      [(c) => ({ ...base, challenge: { ...c, id: `${c.id}x` } }), 'challenge'],
      [(c) => ({ ...base, challenge: { id: 'forged.signature', answer: c.answer } }), 'challenge'],
    ];
    const base = { description: '路灯不亮', location: inside(grid.boundary) };
    for (const [make, field] of cases) {
      const res = await report(make(await solved()));
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().error.field, res.body).toBe(field);
    }
    // A malformed body is the caller's mistake, not ours.
    const junk = await t.app.inject({ method: 'POST', url: '/api/v1/public/cases', headers: { 'content-type': 'application/json' }, payload: '{"description":', remoteAddress: nextAddress() });
    expect(junk.statusCode).toBe(400);
  });

  it('accepts the answer as a string, and a valid challenge survives a report refused for another reason', async () => {
    const challenge = await solved();
    const outside = await report({ description: '路灯不亮', location: { lon: 100, lat: 30 }, challenge: { id: challenge.id, answer: ` ${challenge.answer} ` } });
    expect(outside.json().error.field).toBe('location');
    const ok = await report({ description: '路灯不亮', location: inside(grid.boundary), challenge: { id: challenge.id, answer: String(challenge.answer) } });
    expect(ok.statusCode, ok.body).toBe(201);
  });
});

describe('the challenge', () => {
  it('asks an arithmetic question in Chinese and signs its answer into the id', async () => {
    const res = await t.app.inject({ url: '/api/v1/public/challenge' });
    expect(res.json()).toMatchObject({ id: expect.stringMatching(/^[\w-]+\.[\w-]+$/), question: expect.stringMatching(/^\d (加|减) \d 等于几？$/) });
    const payload = JSON.parse(Buffer.from(res.json().id.split('.')[0], 'base64url').toString());
    expect(Object.keys(payload).sort()).toEqual(['d', 'e', 'n']);
  });

  it('refuses an answer used once already', async () => {
    const challenge = await solved();
    expect((await report(await goodReport({ challenge }))).statusCode).toBe(201);
    const reused = await report(await goodReport({ challenge }));
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error).toMatchObject({ field: 'challenge', message: expect.stringContaining('used') });
  });

  it('takes a challenge out of use at a wrong answer, so its few answers cannot be tried in turn', async () => {
    const challenge = await solved();
    const wrong = await report(await goodReport({ challenge: { ...challenge, answer: challenge.answer + 1 } }));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ field: 'challenge', message: expect.stringContaining('wrong') });
    const right = await report(await goodReport({ challenge }));
    expect(right.statusCode).toBe(400);
    expect(right.json().error).toMatchObject({ field: 'challenge', message: expect.stringContaining('used') });
  });

  it('refuses an expired challenge', async () => {
    const challenge = await solved();
    const later = Date.now() + 11 * 60_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(later);
    try {
      const res = await report(await goodReport({ challenge }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ field: 'challenge', message: expect.stringContaining('expired') });
    } finally {
      clock.mockRestore();
    }
  });
});

describe('the per-address limit', () => {
  it('answers 429 after ten reports from one address in an hour, and not for another address', async () => {
    const address = '10.99.0.1';
    for (let i = 0; i < 10; i++) {
      // Wrong answers count too: they are what a script sends.
      const res = await report(await goodReport({ challenge: { ...(await solved()), answer: -1 } }), address);
      expect(res.statusCode).toBe(400);
    }
    const limited = await report(await goodReport(), address);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('too_many_requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await report(await goodReport(), '10.99.0.2')).statusCode).toBe(201);
  });

  it('counts the address a trusted proxy forwards, and ignores the header from anyone else', async () => {
    const behindProxy = await buildApp({ ...t.env, config: { ...t.env.config, trustProxy: ['127.0.0.1'] } });
    try {
      const viaProxy = async (forwardedFor: string) => behindProxy.inject({
        method: 'POST', url: '/api/v1/public/cases', payload: await goodReport({ challenge: { ...(await solved()), answer: -1 } }),
        remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': forwardedFor },
      });
      for (let i = 0; i < 10; i++) expect((await viaProxy('10.98.0.1')).statusCode).toBe(400);
      expect((await viaProxy('10.98.0.1')).statusCode).toBe(429);
      // Another resident behind the same proxy is not limited by the first.
      expect((await viaProxy('10.98.0.2')).statusCode).toBe(400);
    } finally {
      await behindProxy.close();
    }
    // Without trust, a caller cannot dodge the limit by claiming another address.
    const direct = '10.97.0.1';
    for (let i = 0; i < 10; i++) {
      await t.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: await goodReport({ challenge: { ...(await solved()), answer: -1 } }), remoteAddress: direct, headers: { 'x-forwarded-for': `10.96.0.${i}` } });
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: await goodReport(), remoteAddress: direct, headers: { 'x-forwarded-for': '10.96.0.99' } })).statusCode).toBe(429);
  });
});
