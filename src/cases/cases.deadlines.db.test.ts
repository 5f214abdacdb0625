import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND } from '../../test/db.js';
import { testInstance, type TestInstance } from '../../test/app.js';
import { openDatabase, type Database } from '../core/db.js';
import { startScheduler } from '../core/scheduler.js';
import { dueAt, type WorkCalendar } from './calendar.js';
import { checkDeadlines, deadlinesJob } from './cases.deadlines.js';
import { workCalendar } from './cases.setup.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let cal: WorkCalendar;
let category: string;
/** A community and the units above it, city first. */
let chain: { id: number; level: string }[];

/** An instant in China Standard Time: '2026-10-08 17:30'. */
const cst = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  cal = await workCalendar(t.env);
  category = (await t.env.db.selectFrom('case_categories').select('code').where('name', '=', '占道经营').executeTakeFirstOrThrow()).code;
  const community = await t.env.db.selectFrom('admin_units').select(['id', 'path']).where('level', '=', 'community').orderBy('id').executeTakeFirstOrThrow();
  const ids = community.path.split('/').filter(Boolean).map(Number);
  const units = await t.env.db.selectFrom('admin_units').select(['id', 'level']).where('id', 'in', ids).execute();
  chain = ids.map((id) => units.find((u) => u.id === id)!);
  expect(chain.map((u) => u.level)).toEqual(['city', 'district', 'township', 'community']);
});
afterAll(async () => { await t.close(); });

/** A registered hotline case at `unitId`, its registration and due date set to the given instants. */
async function registeredCase(times: { registeredAt: Date; dueAt: Date }, unitId = chain[3].id): Promise<number> {
  const made = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description: '人行道占道经营', adminUnitId: unitId, categoryCode: category } });
  expect(made.statusCode, made.body).toBe(201);
  const id: number = made.json().id;
  const registered = await dispatcher({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { action: 'register', version: 1 } });
  expect(registered.statusCode, registered.body).toBe(200);
  await sql`update cases set created_at = ${times.registeredAt}, registered_at = ${times.registeredAt}, due_at = ${times.dueAt} where id = ${id}`.execute(t.env.db);
  return id;
}

async function view(id: number) {
  const res = await dispatcher({ url: `/api/v1/cases/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

function caseState(id: number) {
  return t.env.db.selectFrom('cases').select(['warning_level', 'escalation_level', 'escalated_to_unit_id', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
}

async function systemEvents(id: number) {
  const events = await t.env.db.selectFrom('case_events').select(['action', 'actor_name', 'actor_id', 'detail']).where('case_id', '=', id).where('actor_name', '=', 'system').orderBy('id').execute();
  return events.map((e) => ({ action: e.action, actor: e.actor_name, ...(e.detail as { level: number; to?: { id: number } }) }));
}

// Registered on the eve of National Day 2026 with one working day: 10-01..10-07 are off,
// so it is due at the end of Thursday 10-08; Saturday 10-10 is a make-up working day.
const NATIONAL_DAY = { registeredAt: cst('2026-09-30 10:00'), dueAt: cst('2026-10-08 17:30') };

describe('deadlines', () => {
  it('counts a one-day limit over the National Day holiday from the city calendar', () => {
    expect(dueAt(NATIONAL_DAY.registeredAt, { amount: 1, unit: 'days' }, cal)).toEqual(NATIONAL_DAY.dueAt);
  });

  it('stays quiet through the holiday and turns yellow in the last fifth of the working time', async () => {
    const id = await registeredCase(NATIONAL_DAY);
    const version = (await caseState(id)).version;
    // Six of the eight days are gone, but 450 of its 810 working minutes are left.
    await checkDeadlines(t.env, cst('2026-10-07 23:00'));
    // 162 working minutes (a fifth) are left at 14:48 on 10-08.
    await checkDeadlines(t.env, cst('2026-10-08 14:47'));
    expect(await caseState(id)).toMatchObject({ warning_level: 0, version });
    await checkDeadlines(t.env, cst('2026-10-08 14:48'));
    expect(await caseState(id)).toMatchObject({ warning_level: 1, escalation_level: 0, escalated_to_unit_id: null, version: version + 1 });
    expect(await systemEvents(id)).toEqual([{ action: 'warn', actor: 'system', level: 1, was: 0, dueAt: expect.any(String) }]);
    expect(await view(id)).toMatchObject({ warningLevel: 1, escalatedTo: null, escalationLevel: 0 });
  });

  it('turns red when due, escalates to the township, then one level per working day up to the city and no further', async () => {
    const id = await registeredCase(NATIONAL_DAY);
    await checkDeadlines(t.env, cst('2026-10-08 17:30'));
    expect(await caseState(id)).toMatchObject({ warning_level: 2, escalation_level: 1, escalated_to_unit_id: chain[2].id });
    // Less than a working day overdue: nothing more.
    await checkDeadlines(t.env, cst('2026-10-09 17:29'));
    expect((await caseState(id)).escalated_to_unit_id).toBe(chain[2].id);
    await checkDeadlines(t.env, cst('2026-10-09 17:30'));
    expect((await caseState(id)).escalated_to_unit_id).toBe(chain[1].id);
    // Saturday 10-10 is a make-up working day: it counts.
    await checkDeadlines(t.env, cst('2026-10-10 17:30'));
    expect(await caseState(id)).toMatchObject({ warning_level: 2, escalation_level: 3, escalated_to_unit_id: chain[0].id });
    const before = await caseState(id);
    await checkDeadlines(t.env, cst('2026-10-20 10:00'));
    await checkDeadlines(t.env, cst('2026-12-31 10:00'));
    expect(await caseState(id)).toEqual(before);

    const events = await systemEvents(id);
    expect(events.map((e) => [e.action, e.level, e.to?.id ?? null])).toEqual([
      ['warn', 2, null], ['escalate', 1, chain[2].id], ['escalate', 2, chain[1].id], ['escalate', 3, chain[0].id],
    ]);
    const audit = await t.env.db.selectFrom('audit_log').select(['action', 'actor_name', 'actor_id']).where('target_type', '=', 'case').where('target_id', '=', String(id)).where('action', 'in', ['case.warn', 'case.escalate']).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'case.warn', actor_name: 'system', actor_id: null },
      ...Array(3).fill({ action: 'case.escalate', actor_name: 'system', actor_id: null }),
    ]);
    const shown = await view(id);
    expect(shown).toMatchObject({ warningLevel: 2, escalationLevel: 3, escalatedTo: { id: chain[0].id, level: 'city' }, overdue: true });
    expect(shown.timeline.filter((e: { actor: string }) => e.actor === 'system').map((e: { action: string }) => e.action)).toEqual(['warn', 'escalate', 'escalate', 'escalate']);
  });

  it('does not count the weekend as overdue time', async () => {
    // Due Friday 2026-11-20 at the close of work.
    const id = await registeredCase({ registeredAt: cst('2026-11-17 09:00'), dueAt: cst('2026-11-20 17:30') });
    await checkDeadlines(t.env, cst('2026-11-21 12:00'));
    expect((await caseState(id)).escalated_to_unit_id).toBe(chain[2].id);
    await checkDeadlines(t.env, cst('2026-11-23 17:29'));
    expect((await caseState(id)).escalated_to_unit_id).toBe(chain[2].id);
    await checkDeadlines(t.env, cst('2026-11-23 17:30'));
    expect((await caseState(id)).escalated_to_unit_id).toBe(chain[1].id);
  });

  it('changes nothing when run twice at the same instant', async () => {
    const id = await registeredCase({ registeredAt: cst('2026-10-12 09:00'), dueAt: cst('2026-10-13 17:30') });
    const now = cst('2026-10-14 10:00');
    const first = await checkDeadlines(t.env, now);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    const state = await caseState(id);
    const events = await systemEvents(id);
    expect(await checkDeadlines(t.env, now)).toEqual({ warned: 0, escalated: 0, skipped: 0 });
    expect(await caseState(id)).toEqual(state);
    expect(await systemEvents(id)).toEqual(events);
  });

  it('catches up at once after days without a run, one timeline entry per level', async () => {
    const id = await registeredCase(NATIONAL_DAY);
    const { version } = await caseState(id);
    await checkDeadlines(t.env, cst('2026-10-13 09:00'));
    expect(await caseState(id)).toMatchObject({ warning_level: 2, escalation_level: 3, escalated_to_unit_id: chain[0].id, version: version + 1 });
    expect((await systemEvents(id)).map((e) => e.action)).toEqual(['warn', 'escalate', 'escalate', 'escalate']);
  });

  it('starts a township case at its district', async () => {
    const id = await registeredCase(NATIONAL_DAY, chain[2].id);
    await checkDeadlines(t.env, cst('2026-10-08 17:30'));
    expect(await caseState(id)).toMatchObject({ escalation_level: 1, escalated_to_unit_id: chain[1].id });
  });

  it('lowers the warning when the due date moves, keeping the escalation made', async () => {
    const id = await registeredCase(NATIONAL_DAY);
    await checkDeadlines(t.env, cst('2026-10-08 17:30'));
    // Extended by three working days.
    await sql`update cases set due_at = ${cst('2026-10-13 17:30')} where id = ${id}`.execute(t.env.db);
    await checkDeadlines(t.env, cst('2026-10-09 10:00'));
    expect(await caseState(id)).toMatchObject({ warning_level: 0, escalation_level: 1, escalated_to_unit_id: chain[2].id });
    await checkDeadlines(t.env, cst('2026-10-13 17:30'));
    expect(await caseState(id)).toMatchObject({ warning_level: 2, escalation_level: 1, escalated_to_unit_id: chain[2].id });
    await checkDeadlines(t.env, cst('2026-10-14 17:30'));
    expect(await caseState(id)).toMatchObject({ warning_level: 2, escalation_level: 2, escalated_to_unit_id: chain[1].id });
  });

  it('leaves deferred and voided cases alone', async () => {
    const deferred = await registeredCase(NATIONAL_DAY);
    const voided = await registeredCase(NATIONAL_DAY);
    for (const [id, action] of [[deferred, 'defer'], [voided, 'void']] as const) {
      const { version } = await view(id);
      const res = await dispatcher({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { action, version, note: '等待施工结束' } });
      expect(res.statusCode, res.body).toBe(200);
    }
    await checkDeadlines(t.env, cst('2026-10-13 09:00'));
    for (const id of [deferred, voided]) expect(await caseState(id)).toMatchObject({ warning_level: 0, escalation_level: 0, escalated_to_unit_id: null });
  });

  it('yields to a person who changed the case meanwhile, and looks again next run', async () => {
    const id = await registeredCase(NATIONAL_DAY);
    const { version } = await caseState(id);
    // As if a dispatcher's action landed between the job's reading and its writing: its update finds no row at that version.
    await sql.raw(`create function hold_${id}() returns trigger language plpgsql as $$ begin return null; end $$`).execute(t.env.db);
    await sql.raw(`create trigger hold_${id} before update on cases for each row when (old.id = ${id}) execute function hold_${id}()`).execute(t.env.db);
    const held = await checkDeadlines(t.env, cst('2026-10-08 17:30'));
    await sql.raw(`drop trigger hold_${id} on cases`).execute(t.env.db);
    await sql.raw(`drop function hold_${id}()`).execute(t.env.db);
    expect(held.skipped).toBe(1);
    expect(await caseState(id)).toMatchObject({ warning_level: 0, escalation_level: 0, version });
    expect(await systemEvents(id)).toEqual([]);
    await checkDeadlines(t.env, cst('2026-10-08 17:31'));
    expect(await caseState(id)).toMatchObject({ warning_level: 2, escalation_level: 1, version: version + 1 });
  });
});

/** Another server process's handle on the same database. */
async function secondHandle(): Promise<Database> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(t.env.db);
  if (BACKEND === 'postgres') return openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, schema: rows[0].schema, poolSize: 4 });
  return openDatabase({ pglite: await globalThis.__shiyuPglite!, schema: rows[0].schema });
}

describe('the cases.deadlines job', () => {
  /** A case that fell due a minute ago, on the real clock. */
  async function overdueNow(): Promise<number> {
    const now = Date.now();
    return registeredCase({ registeredAt: new Date(now - 3 * 86_400_000), dueAt: new Date(now - 60_000) });
  }

  it('escalates an overdue case exactly once after a crashed run, from a new scheduler', async () => {
    const id = await overdueNow();
    const crashed = await startScheduler(t.env, [deadlinesJob], { pollMs: 0 });
    // The process claimed the job, then died before finishing it: its claim still holds.
    await sql`update jobs set run_at = now() - interval '5 seconds', locked_by = 'crashed-process', locked_until = now() + interval '1 minute', attempts = 1
      where name = ${deadlinesJob.name}`.execute(t.env.db);
    await crashed.stop();

    const restarted = await startScheduler(t.env, [deadlinesJob], { pollMs: 0 });
    try {
      expect(await restarted.tickNow()).toBe(0);
      expect((await caseState(id)).escalation_level).toBe(0);
      await sql`update jobs set locked_until = now() - interval '1 second' where name = ${deadlinesJob.name}`.execute(t.env.db);
      expect(await restarted.tickNow()).toBe(1);
      expect(await restarted.tickNow()).toBe(0);
      // A minute later the job runs again and finds nothing more to do.
      await sql`update jobs set run_at = now() - interval '1 second' where name = ${deadlinesJob.name}`.execute(t.env.db);
      expect(await restarted.tickNow()).toBe(1);
    } finally {
      await restarted.stop();
    }
    expect(await caseState(id)).toMatchObject({ warning_level: 2, escalation_level: 1, escalated_to_unit_id: chain[2].id });
    expect((await systemEvents(id)).map((e) => e.action)).toEqual(['warn', 'escalate']);
    expect(await t.env.db.selectFrom('jobs').select(['locked_by', 'attempts']).where('name', '=', deadlinesJob.name).executeTakeFirstOrThrow())
      .toEqual({ locked_by: null, attempts: 0 });
  });

  it('escalates once when two server processes tick at the same moment', async () => {
    const id = await overdueNow();
    const other = await secondHandle();
    const a = await startScheduler(t.env, [deadlinesJob], { pollMs: 0 });
    const b = await startScheduler({ ...t.env, db: other.db }, [deadlinesJob], { pollMs: 0 });
    try {
      await sql`update jobs set run_at = now() - interval '1 second' where name = ${deadlinesJob.name}`.execute(t.env.db);
      const ran = await Promise.all([a.tickNow(), b.tickNow(), a.tickNow(), b.tickNow()]);
      expect(ran.reduce((x, y) => x + y, 0)).toBe(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await other.close();
    }
    expect(await caseState(id)).toMatchObject({ warning_level: 2, escalation_level: 1 });
    expect((await systemEvents(id)).map((e) => e.action)).toEqual(['warn', 'escalate']);
  });
});
