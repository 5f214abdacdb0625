import { sql, type Insertable, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { Db } from '../core/db.js';
import { prepared } from '../core/sql.js';
import { unnestInsert } from '../core/sql-rows.js';
import type { CasesTable, DB } from '../core/db.types.js';

type Conn = Db | Transaction<DB>;

export type CaseRow = Selectable<CasesTable>;
export type NewCaseRow = Insertable<CasesTable>;

/**
 * Draws the ids of `count` new cases and `events` timeline entries, and the cases' running
 * numbers for ticket numbers (see the migration for why a sequence), in one round trip.
 */
export async function drawIntakeIds(db: Conn, count: number, events: number) {
  const { rows } = await sql<{ case_ids: string[]; serials: string[]; event_ids: string[] }>`
    select array(select nextval(pg_get_serial_sequence('cases', 'id'))::text from generate_series(1, ${count})) as case_ids,
           array(select nextval('case_ticket_seq')::text from generate_series(1, ${count})) as serials,
           array(select nextval(pg_get_serial_sequence('case_events', 'id'))::text from generate_series(1, ${events})) as event_ids`.execute(db);
  const [r] = rows;
  return { caseIds: r.case_ids.map(Number), serials: r.serials.map(Number), eventIds: r.event_ids.map(Number) };
}

export interface IntakeWrite {
  cases: NewCaseRow[];
  events: Insertable<DB['case_events']>[];
  notices: Insertable<DB['notifications']>[];
  audits: Insertable<DB['audit_log']>[];
}

/**
 * Writes new cases with their timeline entries, messages and audit rows as one statement:
 * one round trip and one commit for a whole batch, all of it or none. The same statement
 * finds the open cases near each of `near` (see openCasesNear) as they were before the
 * batch. Answers each case's creation time by id, and what was found near.
 */
export async function insertIntakes(db: Db, w: IntakeWrite, near: NearQuery[] = []) {
  const parts = [
    sql`c as (${await unnestInsert(db, 'cases', w.cases)} returning id, created_at)`,
    sql`e as (${await unnestInsert(db, 'case_events', w.events)})`,
    sql`a as (${await unnestInsert(db, 'audit_log', w.audits)})`,
  ];
  if (w.notices.length > 0) {
    parts.push(sql`n as (${await unnestInsert(db, 'notifications', w.notices)} on conflict (dedupe_key) do nothing)`);
  }
  // Every part of one statement reads the same snapshot, taken before any of it wrote.
  const nearRows = near.length > 0 ? sql`(select json_agg(r) from (${openCasesNearSql(near)}) r)` : sql`null::json`;
  const { rows } = await sql<{ id: number | null; created_at: Date | null; near: NearRowJson[] | null }>`
    ${prepared(`intake, cases ${planGeneration(w.cases[0]?.id)}`)}
    with ${sql.join(parts)}
    select id, created_at, null::json as near from c
    union all select null, null, ${nearRows}`.execute(db);
  const created = new Map<number, Date>();
  let found: NearRowJson[] = [];
  for (const r of rows) {
    if (r.id === null) found = r.near ?? [];
    else created.set(Number(r.id), r.created_at!);
  }
  return { created, near: byQuery(near, found.map((n) => ({ ...n, created_at: new Date(n.created_at) }))) };
}

/**
 * Which plan of the intake statement a batch uses: a new one each time the cases table has doubled
 * (ids count its rows closely enough). Prepared, the statement skips parsing and, once PostgreSQL
 * settles on a plan for any parameters, planning: a third of its work on a batch. But it keeps that
 * plan, and one made while the table was nearly empty looked for duplicates by walking every open
 * case instead of the box (README, Benchmarks). Its own ANALYZE replaces plans too, but only every
 * minute or so.
 */
function planGeneration(firstId: unknown): string {
  const id = Number(firstId);
  return Number.isFinite(id) && id >= 1 ? `2^${Math.floor(Math.log2(id))}` : 'any';
}

/** Cases with a reporter's number but no index of it yet (taken in before the index). */
export async function phonesWithoutIndex(db: Conn, limit: number): Promise<{ id: number; reporter_phone_enc: string }[]> {
  const rows = await db.selectFrom('cases').select(['id', 'reporter_phone_enc'])
    .where('reporter_phone_enc', 'is not', null).where('reporter_phone_index', 'is', null).limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), reporter_phone_enc: r.reporter_phone_enc! }));
}

/** Sets many cases' phone indexes in one statement; '' marks a number without digits, so it is not read again. */
export async function setPhoneIndexes(db: Conn, rows: { id: number; index: string }[]): Promise<void> {
  await sql`update cases set reporter_phone_index = v.index
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.index)}::text[]) as v(id, index)
    where cases.id = v.id`.execute(db);
}

export function findCase(db: Conn, id: number): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks cases for the rest of the transaction, in id order so that two transactions cannot deadlock, and answers their states. */
export async function lockCases(db: Conn, ids: number[]): Promise<{ id: number; status: string }[]> {
  const rows = await db.selectFrom('cases').select(['id', 'status']).where('id', 'in', [...new Set(ids)].sort((a, b) => a - b))
    .orderBy('id').forUpdate().execute();
  return rows.map((r) => ({ id: Number(r.id), status: r.status }));
}

export function findCaseByIntakeKey(db: Conn, key: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('intake_key', '=', key).executeTakeFirst();
}

/**
 * Applies a change only if nobody changed the case since `version` was read; of two
 * concurrent actions on one version exactly one updates a row. Returns whether it did.
 */
export async function updateCaseAt(db: Conn, id: number, version: number, patch: Updateable<CasesTable>): Promise<boolean> {
  const result = await db.updateTable('cases')
    .set({ ...patch, version: version + 1, updated_at: new Date() })
    .where('id', '=', id).where('version', '=', version)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export interface CaseEventWrite {
  caseId: number;
  actorId: number | null;
  actorName: string;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  note: string | null;
  detail?: unknown;
}

export function eventRow(e: CaseEventWrite) {
  return {
    case_id: e.caseId, actor_id: e.actorId, actor_name: e.actorName, action: e.action,
    from_status: e.fromStatus, to_status: e.toStatus, note: e.note, detail: e.detail === undefined ? null : JSON.stringify(e.detail),
  };
}

export async function insertEvent(db: Conn, e: CaseEventWrite): Promise<number> {
  const row = await db.insertInto('case_events').values(eventRow(e)).returning('id').executeTakeFirstOrThrow();
  return row.id;
}


export function caseEvents(db: Conn, caseId: number) {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

/**
 * Timeline entries of these actions in [from, to), oldest first, each with its case's ticket
 * number and its place in the case's timeline (entries with a smaller id); only of cases whose
 * reporters agreed to be shown publicly.
 */
export async function eventsBetween(db: Conn, from: Date, to: Date, actions: string[], limit: number) {
  const rows = await db.selectFrom('case_events as e').innerJoin('cases as c', 'c.id', 'e.case_id')
    .select(['c.ticket_no', 'e.id', 'e.at', 'e.action', 'e.note'])
    .select((eb) => eb.selectFrom('case_events as p').select(eb.fn.countAll<string>().as('n'))
      .whereRef('p.case_id', '=', 'e.case_id').whereRef('p.id', '<', 'e.id').as('position'))
    .where('e.at', '>=', from).where('e.at', '<', to).where('e.action', 'in', actions)
    .where('c.shown_publicly', '=', true).where('c.confidential', '=', false)
    .orderBy('e.at').orderBy('e.id').limit(limit).execute();
  return rows.map((r) => ({ ticketNo: r.ticket_no, at: r.at, action: r.action, note: r.note, position: Number(r.position) }));
}

export function activeAssignments(db: Conn, caseId: number) {
  return db.selectFrom('case_assignments').select(['department_id as departmentId', 'role'])
    .where('case_id', '=', caseId).where('active', '=', true).orderBy('role').execute();
}

/** Replaces the case's active departments with one lead and any supporting ones. */
export async function setAssignments(db: Conn, caseId: number, lead: number, support: number[]): Promise<void> {
  await db.updateTable('case_assignments').set({ active: false }).where('case_id', '=', caseId).execute();
  const rows = [{ department_id: lead, role: 'lead' as const }, ...support.filter((d) => d !== lead).map((d) => ({ department_id: d, role: 'support' as const }))];
  await db.insertInto('case_assignments')
    .values(rows.map((r) => ({ case_id: caseId, ...r, active: true })))
    .onConflict((oc) => oc.columns(['case_id', 'department_id']).doUpdateSet((eb) => ({ role: eb.ref('excluded.role'), active: true, assigned_at: new Date() })))
    .execute();
}

export async function clearAssignments(db: Conn, caseId: number): Promise<void> {
  await db.updateTable('case_assignments').set({ active: false }).where('case_id', '=', caseId).execute();
}

export function findCategory(db: Conn, code: string) {
  return db.selectFrom('case_categories').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function updateCategory(db: Conn, code: string, patch: Updateable<DB['case_categories']>): Promise<void> {
  await db.updateTable('case_categories').set(patch).where('code', '=', code).execute();
}

export function listCategories(db: Conn) {
  return db.selectFrom('case_categories').selectAll().orderBy('code').execute();
}

export async function countCategories(db: Conn): Promise<number> {
  return (await db.selectFrom('case_categories').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
}

/** Adds categories not there yet: several processes starting at once on a fresh database each try. */
export async function insertCategories(db: Conn, rows: Insertable<DB['case_categories']>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db.insertInto('case_categories').values(rows.slice(i, i + 500)).onConflict((oc) => oc.column('code').doNothing()).execute();
  }
}

/** The catalogue's rules, of one category or all, by category and unit. */
export function routingRules(db: Conn, categoryCode?: string) {
  let q = db.selectFrom('routing_rules').select(['category_code as categoryCode', 'admin_unit_id as adminUnitId', 'department_id as departmentId', 'updated_at as updatedAt']);
  if (categoryCode !== undefined) q = q.where('category_code', '=', categoryCode);
  return q.orderBy('category_code').orderBy('admin_unit_id').execute();
}

/** Removes one rule; answers what it said, or nothing when there was none. */
export function deleteRoutingRule(db: Conn, categoryCode: string, adminUnitId: number) {
  return db.deleteFrom('routing_rules').where('category_code', '=', categoryCode).where('admin_unit_id', '=', adminUnitId)
    .returning('department_id as departmentId').executeTakeFirst();
}

export function allRoutingRules(db: Conn) {
  return db.selectFrom('routing_rules').select(['category_code as categoryCode', 'admin_unit_id as adminUnitId', 'department_id as departmentId']).execute();
}

/** Changes whenever a category or a routing rule is added, changed or removed. */
export async function catalogueRevision(db: Conn): Promise<string> {
  const { rows } = await sql<{ revision: string }>`
    select concat_ws(':',
      (select count(*) from case_categories), (select max(updated_at) from case_categories),
      (select count(*) from routing_rules), (select max(updated_at) from routing_rules)) as revision`.execute(db);
  return rows[0].revision;
}

/** Sets the rule; answers the department it sent cases to before, or null for a new rule. */
export async function upsertRoutingRule(db: Conn, categoryCode: string, adminUnitId: number, departmentId: number): Promise<number | null> {
  const before = await db.selectFrom('routing_rules').select('department_id').where('category_code', '=', categoryCode)
    .where('admin_unit_id', '=', adminUnitId).forUpdate().executeTakeFirst();
  await db.insertInto('routing_rules').values({ category_code: categoryCode, admin_unit_id: adminUnitId, department_id: departmentId })
    .onConflict((oc) => oc.columns(['category_code', 'admin_unit_id']).doUpdateSet({ department_id: departmentId, updated_at: new Date() }))
    .execute();
  return before ? Number(before.department_id) : null;
}

export function calendarDays(db: Conn) {
  return db.selectFrom('calendar_days').select(['day', 'working']).execute();
}

export async function insertCalendarDays(db: Conn, days: { day: string; working: boolean; note: string | null }[]): Promise<void> {
  if (days.length) await db.insertInto('calendar_days').values(days).onConflict((oc) => oc.column('day').doNothing()).execute();
}

export function findCaseByTicket(db: Conn, ticketNo: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('ticket_no', '=', ticketNo).executeTakeFirst();
}

/** Cases by public criteria, newest first (the public door's search). */
export function searchCases(db: Conn, s: {
  ticketNos?: string[]; categoryCodes?: string[]; open?: boolean; from?: Date; to?: Date; apiKeyId?: number; limit: number; offset: number;
}) {
  let q = db.selectFrom('cases').selectAll();
  if (s.ticketNos?.length) q = q.where('ticket_no', 'in', s.ticketNos);
  if (s.categoryCodes?.length) q = q.where('category_code', 'in', s.categoryCodes);
  if (s.open !== undefined) q = q.where('closed_at', s.open ? 'is' : 'is not', null);
  if (s.from) q = q.where('created_at', '>=', s.from);
  if (s.to) q = q.where('created_at', '<', s.to);
  if (s.apiKeyId !== undefined) q = q.where('api_key_id', '=', s.apiKeyId);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(s.limit).offset(s.offset).execute();
}

/** Open cases of a category inside a lon/lat box reported since a time: candidates for merging. */
export interface NearQuery { categoryCode: string; box: [number, number, number, number]; since: Date; exceptId: number }

/** An open case found near a new one, as openCasesNear answers it. */
export interface NearRow { i: number; id: number; ticket_no: string; lon: number; lat: number; created_at: Date; status: string; path: string }
type NearRowJson = Omit<NearRow, 'created_at'> & { created_at: string };

/**
 * For each query, the 20 newest open cases of its category inside its box, reported since
 * its time: one statement for a whole batch of intakes.
 */
export async function openCasesNear(db: Conn, queries: NearQuery[]): Promise<NearRow[][]> {
  const { rows } = await openCasesNearSql(queries).execute(db);
  return byQuery(queries, rows);
}

function openCasesNearSql(queries: NearQuery[]) {
  const column = <T>(pick: (q: NearQuery) => T) => queries.map(pick);
  return sql<NearRow>`
    select q.i::int as i, c.id, c.ticket_no, c.lon, c.lat, c.created_at, c.status, c.path
    from unnest(${column((q) => q.categoryCode)}::text[], ${column((q) => q.box[0])}::float8[], ${column((q) => q.box[1])}::float8[],
                ${column((q) => q.box[2])}::float8[], ${column((q) => q.box[3])}::float8[], ${column((q) => q.since.toISOString())}::timestamptz[],
                ${column((q) => q.exceptId)}::bigint[]) with ordinality as q(category_code, x0, y0, x1, y1, since, except_id, i)
    cross join lateral (
      select c.* from (
        -- OFFSET 0 keeps the newest-first order from steering the planner to the creation-time
        -- index, which walks every open case of the window: this box is found through cases_open_near.
        select c.* from cases c
        where c.category_code = q.category_code and c.closed_at is null
          and c.lon between q.x0 and q.x1 and c.lat between q.y0 and q.y1
        offset 0
      ) c
      where c.id <> q.except_id and c.created_at >= q.since
      order by c.created_at desc limit 20
    ) c`;
}

function byQuery(queries: NearQuery[], rows: NearRow[]): NearRow[][] {
  const out = queries.map((): NearRow[] => []);
  for (const r of rows) out[r.i - 1].push(r);
  return out;
}

export async function lastEventId(db: Conn): Promise<number> {
  const row = await db.selectFrom('case_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Timeline rows after an id, and those of the ids in `missing`, with what the live stream needs of their case. */
export function eventsAfter(db: Conn, afterId: number, limit: number, missing: number[] = []) {
  return db.selectFrom('case_events').innerJoin('cases', 'cases.id', 'case_events.case_id')
    .select(['case_events.id as eventId', 'cases.id as caseId', 'cases.ticket_no as ticketNo', 'case_events.action', 'case_events.to_status as status', 'case_events.at', 'cases.path'])
    .where((eb) => (missing.length ? eb.or([eb('case_events.id', '>', afterId), eb('case_events.id', '=', eb.fn.any(eb.val(missing)))]) : eb('case_events.id', '>', afterId)))
    .orderBy('case_events.id').limit(limit).execute();
}
