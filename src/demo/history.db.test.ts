import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SMALL_CITY, testInstance, type TestInstance } from '../../test/app.js';
import { sealAudit, verifyAudit } from '../core/audit-chain.js';
import { checkDeadlines } from '../cases/cases.deadlines.js';
import { importHistory, walkProblems, type HistoricCase } from '../cases/cases.history.js';
import { ANSWERING_ACTIONS, mayTake, nextStatus, OPEN_STATUSES, TRANSITIONS, type Action, type Status } from '../cases/cases.workflow.js';
import { deliverDue } from '../notify/notify.service.js';
import { webSender } from '../notify/notify.senders.js';
import { seedDemo } from './demo.seed.js';
import { planHistory, type HistoryWorld } from './history.js';

/** A fixed present, so the history is the same whenever the test runs. */
const NOW = new Date('2026-11-20T07:30:00.000Z');
const CASES = 500;

let t: TestInstance;
let world: HistoryWorld;
let plan: HistoricCase[];

beforeAll(async () => {
  t = await testInstance({ seed: false });
  ({ world } = await seedDemo(t.env, { ...SMALL_CITY, historyCases: CASES, now: NOW }));
  // The same seed and present plan the same history the seeder imported.
  plan = planHistory(world, { cases: CASES, seed: SMALL_CITY.seed, now: NOW });
});
afterAll(async () => { await t.close(); });

const countBy = (values: string[]) => values.reduce<Record<string, number>>((out, v) => ({ ...out, [v]: (out[v] ?? 0) + 1 }), {});

/**
 * Replays a timeline through the transition table: every step starts where the one before left
 * the case, is one its role may take (mayTake) and leads where nextStatus says; the steps no
 * person takes are intake's automatic registration and the deadline job's warnings and escalations.
 */
function replay(c: HistoricCase): Status {
  const [first, ...rest] = c.events;
  expect([first.action, first.from, first.to]).toEqual(['receive', null, 'received']);
  let status: Status = 'received';
  for (const e of rest) {
    expect(e.from).toBe(status);
    if (e.role === null) {
      expect(['register', 'warn', 'escalate']).toContain(e.action);
      if (e.action === 'register') expect(e.at).toEqual(first.at);
      else expect(OPEN_STATUSES.has(status) && e.to === status).toBe(true);
    } else {
      const action = e.action as Action;
      expect(mayTake(action, status, { role: e.role, leadDepartment: true, gridWorker: true, reporter: true }), `${e.role} ${action} on ${status}`).toBe(true);
      expect(e.to).toBe(nextStatus(action, status));
      if ('needsNote' in TRANSITIONS[action]) expect(e.note).toBeTruthy();
    }
    status = e.to;
  }
  return status;
}

describe('planHistory', () => {
  it('plans exactly the cases asked for, oldest first, all before now and within two years', () => {
    expect(plan).toHaveLength(CASES);
    for (let i = 1; i < plan.length; i++) expect(plan[i].createdAt.getTime()).toBeGreaterThanOrEqual(plan[i - 1].createdAt.getTime());
    expect(plan[0].createdAt.getTime()).toBeGreaterThan(NOW.getTime() - 731 * 86_400_000);
    for (const c of plan) for (const e of c.events) expect(e.at.getTime()).toBeLessThanOrEqual(NOW.getTime());
  });

  it('is deterministic for a seed and differs for another', () => {
    expect(planHistory(world, { cases: CASES, seed: SMALL_CITY.seed, now: NOW })).toEqual(plan);
    const other = planHistory(world, { cases: CASES, seed: SMALL_CITY.seed + 1, now: NOW });
    expect(other.map((c) => c.createdAt)).not.toEqual(plan.map((c) => c.createdAt));
  });

  it('makes every timeline a legal walk of the transition table, ending in the case status', () => {
    for (const c of plan) {
      expect(replay(c)).toBe(c.status);
      expect(walkProblems(c)).toEqual([]);
    }
  });

  it('keeps each case consistent with its timeline', () => {
    for (const c of plan) {
      const at = (action: string) => c.events.findLast((e) => e.action === action)?.at ?? null;
      expect(c.registeredAt).toEqual(at('register'));
      expect(c.dispatchedAt).toEqual(c.events.findLast((e) => e.action === 'dispatch' || e.action === 'joint_dispatch')?.at ?? null);
      if (c.status === 'closed') expect(c.closedAt).toEqual(at('close'));
      if (OPEN_STATUSES.has(c.status)) expect(c.closedAt).toBeNull();
      expect(c.reopenCount).toBe(c.events.filter((e) => e.action === 'verify_fail' || e.action === 'reopen').length);
      expect(c.escalationLevel).toBe(c.events.filter((e) => e.action === 'escalate').length);
      if (c.registeredAt && c.categoryCode) expect(c.dueAt).not.toBeNull();
      if (c.status === 'merged') expect(plan[c.mergedInto!].categoryCode).toBe(c.categoryCode);
    }
  });

  it('takes cases in through every channel in realistic proportions, with every kind of outcome', () => {
    const big = planHistory(world, { cases: 5000, seed: 3, now: NOW });
    const channels = countBy(big.map((c) => c.channel));
    const share = (n: number) => n / big.length;
    expect(share(channels.patrol)).toBeCloseTo(0.45, 1);
    expect(share(channels.hotline)).toBeCloseTo(0.35, 1);
    expect(share(channels.citizen_app)).toBeGreaterThan(0.08);
    expect(share(channels.department)).toBeGreaterThan(0.02);
    expect(share(channels.open311)).toBeGreaterThan(0.01);
    const statuses = countBy(big.map((c) => c.status));
    expect(share(statuses.closed)).toBeGreaterThan(0.85);
    for (const s of ['rejected', 'void', 'merged', 'referred', 'deferred', 'hung', 'in_progress']) expect(statuses[s], s).toBeGreaterThan(0);
    const closed = big.filter((c) => c.status === 'closed');
    const late = closed.filter((c) => c.dueAt && c.closedAt! > c.dueAt);
    expect(late.length / closed.length).toBeGreaterThan(0.03);
    expect(late.length / closed.length).toBeLessThan(0.25);
    expect(closed.some((c) => c.extensionCount > 0 && c.closedAt! <= c.dueAt!)).toBe(true);
    expect(closed.some((c) => c.reopenCount > 0)).toBe(true);
    const rated = closed.filter((c) => c.satisfaction !== null);
    expect(rated.filter((c) => c.satisfaction! >= 4).length / rated.length).toBeGreaterThan(0.75);
    expect(big.some((c) => OPEN_STATUSES.has(c.status) && c.escalationLevel > 0 && c.warningLevel === 2)).toBe(true);
    // Fewer on weekends: a weekday sees more than a Sunday.
    const weekday = (c: HistoricCase) => new Date(c.createdAt.getTime() + 8 * 3_600_000).getUTCDay();
    const days = countBy(big.map((c) => String(weekday(c))));
    expect(days['3']).toBeGreaterThan(days['0'] * 1.3);
    // The common nuisances lead.
    const categories = Object.entries(countBy(big.map((c) => c.categoryCode!))).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([code]) => code);
    expect(categories).toContain('E0102');
    expect(categories).toContain('E0501');
  });

  it('writes the stories: the leaking pipe trio, the bar noise on 12345, the grid worker\'s street stall', () => {
    const story = (word: string) => plan.find((c) => c.description.includes(word))!;
    const [flat, tank, main] = [story('卫生间水管'), story('化粪池堵塞，污水'), story('供水管道破裂，路面冒水')];
    expect([flat.triage, tank.triage, main.triage]).toEqual(['private', 'community', 'government']);
    expect(flat.events.map((e) => e.action)).toEqual(['receive', 'register', 'close']);
    expect(world.departments.find((d) => d.id === tank.departmentId)!.kind).toBe('community_committee');
    expect(world.departments.find((d) => d.id === main.departmentId)!.kind).toBe('water_supply');
    for (const c of [flat, tank, main]) expect(c.status).toBe('closed');

    const noise = story('酒吧每晚音响');
    expect(noise.channel).toBe('hotline');
    expect(world.departments.find((d) => d.id === noise.departmentId)!.kind).toBe('police');
    expect(noise.satisfaction).toBe(5);
    expect(noise.closedAt!.getTime()).toBeLessThanOrEqual(noise.dueAt!.getTime());
    expect(noise.events.map((e) => e.action)).toEqual(['receive', 'register', 'dispatch', 'accept', 'report_back', 'verify_ok', 'callback', 'close']);

    const stall = story('流动摊贩摆摊卖水果，占用盲道');
    expect(stall.events.map((e) => [e.action, e.actorName])).toContainEqual(['verify_ok', 'grid_worker']);
    expect(stall.events.find((e) => e.action === 'verify_ok')!.note).toMatch(/照片/);
    expect(stall.events[1]).toMatchObject({ action: 'register', detail: { automatic: true } });
  });

  it("leaves the demo's grid worker a repair to check and its department handler a case to accept", async () => {
    const worker = t.as(await t.login('grid_worker'));
    const handler = t.as(await t.login('department_handler'));
    const light = plan.find((c) => c.description.includes('那盏路灯一连三晚'))!;
    const garbage = plan.find((c) => c.description.includes('菜场东侧空地'))!;
    for (const c of [light, garbage]) expect(plan.filter((p) => p.description === c.description)).toHaveLength(1);
    expect([light.status, garbage.status]).toEqual(['reported', 'dispatched']);
    const me = (await handler({ url: '/api/v1/auth/me' })).json();
    expect(garbage.departmentId).toBe(me.departmentId);
    const idOf = async (c: HistoricCase) => (await t.env.db.selectFrom('cases').select('id').where('description', '=', c.description).executeTakeFirstOrThrow()).id;
    expect((await worker({ url: `/api/v1/cases/${await idOf(light)}` })).json().allowedActions).toContain('verify_ok');
    expect((await handler({ url: `/api/v1/cases/${await idOf(garbage)}` })).json().allowedActions).toContain('accept');
  });
});

describe('importHistory', () => {
  it('writes the planned cases: the same counts by status and channel', async () => {
    const db = t.env.db;
    const byStatus = await db.selectFrom('cases').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    expect(Object.fromEntries(byStatus.map((r) => [r.status, r.n]))).toEqual(countBy(plan.map((c) => c.status)));
    const byChannel = await db.selectFrom('cases').select(['channel', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('channel').execute();
    expect(Object.fromEntries(byChannel.map((r) => [r.channel, r.n]))).toEqual(countBy(plan.map((c) => c.channel)));
  });

  it('writes every timeline in order, so each read back is the planned legal walk', async () => {
    const cases = await t.env.db.selectFrom('cases').select(['id', 'status']).orderBy('created_at').orderBy('id').execute();
    const events = await t.env.db.selectFrom('case_events').select(['case_id', 'action', 'from_status', 'to_status', 'at']).orderBy('id').execute();
    const byCase = new Map<number, typeof events>();
    for (const e of events) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), e]);
    expect(events).toHaveLength(plan.reduce((n, c) => n + c.events.length, 0));
    cases.forEach((row, i) => {
      expect(row.status).toBe(plan[i].status);
      expect(byCase.get(row.id)!.map((e) => [e.action, e.from_status, e.to_status, e.at.getTime()]))
        .toEqual(plan[i].events.map((e) => [e.action, e.from, e.to, e.at.getTime()]));
    });
  });

  it('numbers tickets uniquely by the day of creation and a running number', async () => {
    const rows = await t.env.db.selectFrom('cases').select(['ticket_no', 'created_at']).execute();
    expect(new Set(rows.map((r) => r.ticket_no)).size).toBe(rows.length);
    for (const r of rows) expect(r.ticket_no.slice(0, 8)).toBe(new Date(r.created_at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, ''));
  });

  it('links merged cases to the case they were merged into, and encrypts reporters', async () => {
    const merged = await t.env.db.selectFrom('cases as c').innerJoin('cases as m', 'm.id', 'c.merged_into_id')
      .select(['c.category_code as a', 'm.category_code as b', 'c.created_at as at', 'm.created_at as targetAt']).where('c.status', '=', 'merged').execute();
    expect(merged).toHaveLength(plan.filter((c) => c.status === 'merged').length);
    for (const m of merged) expect([m.a, m.at >= m.targetAt]).toEqual([m.b, true]);
    const reported = await t.env.db.selectFrom('cases').select(['reporter_phone_enc']).where('reporter_phone_enc', 'is not', null).execute();
    expect(reported.length).toBe(plan.filter((c) => c.reporter?.phone).length);
    expect(reported.length).toBeLessThan(CASES / 2);
    for (const r of reported) expect(t.env.cipher.decrypt(r.reporter_phone_enc!)).toMatch(/^1\d{10}$/);
  });

  it('answers non-trivial figures over the two years', async () => {
    const admin = t.as(await t.login('admin'));
    const from = new Date(NOW.getTime() - 731 * 86_400_000).toISOString();
    const res = await admin({ url: `/api/v1/stats/cases?groupBy=channel&from=${encodeURIComponent(from)}&to=${encodeURIComponent(NOW.toISOString())}` });
    expect(res.statusCode).toBe(200);
    const figures = res.json();
    expect(figures.totals.received).toBe(CASES);
    expect(figures.totals.closureRate).toBeGreaterThan(0.8);
    expect(figures.totals.closureRate).toBeLessThanOrEqual(1);
    expect(figures.totals.onTimeRate).toBeGreaterThan(0.6);
    expect(figures.totals.satisfactionRate).toBeGreaterThan(0.7);
    expect(figures.groups.map((g: { key: string }) => g.key)).toEqual(['patrol', 'hotline', 'citizen_app', 'department', 'open311']);
  });

  it('shows a historic case with its timeline through the API', async () => {
    const admin = t.as(await t.login('admin'));
    const stall = await t.env.db.selectFrom('cases').select('id').where('description', 'like', '%占用盲道%').executeTakeFirstOrThrow();
    const res = await admin({ url: `/api/v1/cases/${stall.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().timeline.map((e: { action: string }) => e.action)).toEqual(['receive', 'register', 'dispatch', 'accept', 'report_back', 'verify_ok', 'close']);
  });

  it("writes what each timeline told its reporter and departments, sent when it happened, in the live loop's words", async () => {
    const told = await t.env.db.selectFrom('notifications').selectAll().orderBy('id').execute();
    expect(told.every((m) => m.status === 'sent' && m.sent_at!.getTime() === m.created_at.getTime())).toBe(true);
    // In the order they went out, as the outbox reads them (newest first by id).
    expect(told.map((m) => m.created_at.getTime())).toEqual(told.map((m) => m.created_at.getTime()).sort((a, b) => a - b));
    // Every change of state (and answer) of a case whose reporter left a number became a text.
    const texts = (c: HistoricCase) => (c.reporter?.phone ? c.events.filter((e) => e.from !== e.to || (ANSWERING_ACTIONS.has(e.action as Action) && e.note)).length : 0);
    expect(told.filter((m) => m.channel === 'sms')).toHaveLength(plan.reduce((n, c) => n + texts(c), 0));
    // Every dispatch summoned its departments.
    const summoned = plan.flatMap((c) => c.events.filter((e) => e.action === 'dispatch' || e.action === 'joint_dispatch')
      .flatMap((e) => [e.detail!.departmentId, ...(e.detail!.supportDepartmentIds as number[])].map((d) => `${d}@${e.at.getTime()}`)));
    expect(told.filter((m) => m.subject.startsWith('新派单')).map((m) => `${m.department_id}@${m.created_at.getTime()}`).sort()).toEqual(summoned.sort());

    // One case, followed through: its reporter's texts at its own steps, to its own number.
    const rows = await t.env.db.selectFrom('cases').select(['id', 'ticket_no', 'reporter_phone_enc']).orderBy('created_at').orderBy('id').execute();
    const i = plan.findIndex((c) => c.reporter?.phone && c.status === 'closed' && c.events.some((e) => e.action === 'dispatch'));
    const mine = told.filter((m) => m.case_id === rows[i].id && m.channel === 'sms');
    expect(mine.map((m) => m.created_at.getTime())).toEqual(plan[i].events.filter((e) => e.from !== e.to || (ANSWERING_ACTIONS.has(e.action as Action) && e.note)).map((e) => e.at.getTime()));
    expect(mine.every((m) => m.body.includes(rows[i].ticket_no) && t.env.cipher.decrypt(m.address_enc!) === plan[i].reporter!.phone)).toBe(true);
    expect(mine.at(-1)!.body).toContain('已结案');

    // The outbox shows them, and the delivery job finds nothing left to send.
    const admin = t.as(await t.login('admin'));
    expect((await admin({ url: '/api/v1/notifications?audience=reporters&limit=5' })).json().items).toHaveLength(5);
    expect(await deliverDue(t.env, { web: webSender, sms: async () => { throw new Error('nothing should be sent'); } })).toEqual({ sent: 0, failed: 0, handedBack: 0 });
  });

  it("gives the demo department handler a queue of her department's cases", async () => {
    const handler = t.as(await t.login('department_handler'));
    const me = (await handler({ url: '/api/v1/auth/me' })).json();
    const mine = (await handler({ url: `/api/v1/cases?departmentId=${me.departmentId}&pageSize=1` })).json();
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.total).toBe(plan.filter((c) => c.departmentId === me.departmentId).length);
  });

  it('leaves the deadline job nothing to do at the present it led up to', async () => {
    expect(await checkDeadlines(t.env, NOW)).toEqual({ warned: 0, escalated: 0, skipped: 0 });
  });

  it('records one audit row per batch, and the audit chain still verifies', async () => {
    const rows = await t.env.db.selectFrom('audit_log').select(['after', 'actor_name']).where('action', '=', 'case.history_import').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_name: 'system', after: { cases: CASES } });
    await sealAudit(t.env.db, t.env.auditKey);
    expect((await verifyAudit(t.env.db, t.env.auditKey)).ok).toBe(true);
  });

  it('refuses a timeline that is not a legal walk, and writes nothing', async () => {
    const before = (await sql<{ n: number }>`select count(*) as n from cases`.execute(t.env.db)).rows[0].n;
    const good = plan.find((c) => c.status === 'closed' && c.channel === 'hotline' && c.events.filter((e) => e.action === 'dispatch').length === 1)!;
    const skipped: HistoricCase = { ...good, events: good.events.filter((e) => e.action !== 'dispatch') };
    expect(walkProblems(skipped).join()).toMatch(/may not accept a registered case/);
    const wrongRole: HistoricCase = { ...good, events: good.events.map((e) => (e.action === 'verify_ok' ? { ...e, role: 'dispatcher' as const } : e)) };
    expect(walkProblems(wrongRole).join()).toMatch(/dispatcher may not verify_ok/);
    const wrongEnd: HistoricCase = { ...good, status: 'in_progress' };
    expect(walkProblems(wrongEnd).join()).toMatch(/ends in closed/);
    await expect(importHistory(t.env, [good, skipped])).rejects.toThrow(/historic case #1/);
    expect((await sql<{ n: number }>`select count(*) as n from cases`.execute(t.env.db)).rows[0].n).toBe(before);
  });
});
