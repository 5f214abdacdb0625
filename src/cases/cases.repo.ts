import { sql, type Insertable, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { Db } from '../core/db.js';
import type { CasesTable, DB } from '../core/db.types.js';
import { escapeLike } from '../core/sql.js';

type Conn = Db | Transaction<DB>;

export type CaseRow = Selectable<CasesTable>;
export type NewCaseRow = Insertable<CasesTable>;

/** The next running number for ticket numbers (see the migration for why a sequence). */
export async function nextTicketSerial(db: Conn): Promise<number> {
  const { rows } = await sql<{ n: number }>`select nextval('case_ticket_seq') as n`.execute(db);
  return rows[0].n;
}

export async function insertCase(db: Conn, row: NewCaseRow): Promise<number> {
  const { id } = await db.insertInto('cases').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function findCase(db: Conn, id: number): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
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

export async function insertEvent(db: Conn, e: CaseEventWrite): Promise<number> {
  const row = await db.insertInto('case_events').values({
    case_id: e.caseId, actor_id: e.actorId, actor_name: e.actorName, action: e.action,
    from_status: e.fromStatus, to_status: e.toStatus, note: e.note, detail: e.detail === undefined ? null : JSON.stringify(e.detail),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export function caseEvents(db: Conn, caseId: number) {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
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

export interface CaseFilter {
  pathPrefix: string;
  status?: string[];
  categoryCode?: string;
  channel?: string;
  adminUnitPath?: string;
  departmentId?: number;
  overdue?: boolean;
  text?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** A page of cases, newest first, and how many match in all. */
export async function listCases(db: Conn, f: CaseFilter) {
  let q = db.selectFrom('cases').where('path', 'like', `${escapeLike(f.adminUnitPath ?? f.pathPrefix)}%`);
  if (f.adminUnitPath && !f.adminUnitPath.startsWith(f.pathPrefix)) q = q.where(({ lit }) => lit(false));
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.categoryCode) q = q.where('category_code', 'like', `${escapeLike(f.categoryCode)}%`);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.departmentId) {
    const departmentId = f.departmentId;
    q = q.where((eb) => eb.exists(eb.selectFrom('case_assignments').select('case_id')
      .whereRef('case_assignments.case_id', '=', 'cases.id').where('department_id', '=', departmentId).where('active', '=', true)));
  }
  if (f.overdue) q = q.where('due_at', '<', new Date()).where('closed_at', 'is', null);
  if (f.text) {
    const like = `%${escapeLike(f.text)}%`;
    q = q.where((eb) => eb.or([eb('ticket_no', '=', f.text!), eb('description', 'like', like), eb('address', 'like', like)]));
  }
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count.n };
}

export function findCategory(db: Conn, code: string) {
  return db.selectFrom('case_categories').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function hasChildCategories(db: Conn, code: string): Promise<boolean> {
  return !!(await db.selectFrom('case_categories').select('code').where('parent_code', '=', code).executeTakeFirst());
}

export function listCategories(db: Conn) {
  return db.selectFrom('case_categories').selectAll().orderBy('code').execute();
}

export async function countCategories(db: Conn): Promise<number> {
  return (await db.selectFrom('case_categories').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
}

export async function insertCategories(db: Conn, rows: Insertable<DB['case_categories']>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('case_categories').values(rows.slice(i, i + 500)).execute();
}

/** The routing rule for a category at the nearest of these admin units (root first), if any. */
export async function routingRule(db: Conn, categoryCode: string, chain: number[]) {
  if (chain.length === 0) return undefined;
  const rules = await db.selectFrom('routing_rules').select(['admin_unit_id as adminUnitId', 'department_id as departmentId'])
    .where('category_code', '=', categoryCode).where('admin_unit_id', 'in', chain).execute();
  for (const unitId of [...chain].reverse()) {
    const rule = rules.find((r) => r.adminUnitId === unitId);
    if (rule) return rule;
  }
  return undefined;
}

export async function upsertRoutingRule(db: Conn, categoryCode: string, adminUnitId: number, departmentId: number): Promise<void> {
  await db.insertInto('routing_rules').values({ category_code: categoryCode, admin_unit_id: adminUnitId, department_id: departmentId })
    .onConflict((oc) => oc.columns(['category_code', 'admin_unit_id']).doUpdateSet({ department_id: departmentId }))
    .execute();
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
  ticketNos?: string[]; categoryCodes?: string[]; open?: boolean; from?: Date; to?: Date; apiKeyId?: number; updatedAfter?: Date; limit: number; offset: number;
}) {
  let q = db.selectFrom('cases').selectAll();
  if (s.ticketNos?.length) q = q.where('ticket_no', 'in', s.ticketNos);
  if (s.categoryCodes?.length) q = q.where('category_code', 'in', s.categoryCodes);
  if (s.open !== undefined) q = q.where('closed_at', s.open ? 'is' : 'is not', null);
  if (s.from) q = q.where('created_at', '>=', s.from);
  if (s.to) q = q.where('created_at', '<', s.to);
  if (s.apiKeyId !== undefined) q = q.where('api_key_id', '=', s.apiKeyId);
  if (s.updatedAfter) q = q.where('updated_at', '>', s.updatedAfter);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(s.limit).offset(s.offset).execute();
}

/** Open cases of a category inside a lon/lat box reported since a time: candidates for merging. */
export function openCasesNear(db: Conn, s: { categoryCode: string; box: [number, number, number, number]; since: Date; exceptId: number }) {
  return db.selectFrom('cases').select(['id', 'ticket_no', 'lon', 'lat', 'created_at', 'status', 'path'])
    .where('category_code', '=', s.categoryCode).where('closed_at', 'is', null).where('id', '!=', s.exceptId)
    .where('created_at', '>=', s.since)
    .where('lon', '>=', s.box[0]).where('lon', '<=', s.box[2]).where('lat', '>=', s.box[1]).where('lat', '<=', s.box[3])
    .orderBy('created_at', 'desc').limit(20).execute();
}

export async function lastEventId(db: Conn): Promise<number> {
  const row = await db.selectFrom('case_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Timeline rows after an id, with what the live stream needs of their case. */
export function eventsAfter(db: Conn, afterId: number, limit: number) {
  return db.selectFrom('case_events').innerJoin('cases', 'cases.id', 'case_events.case_id')
    .select(['case_events.id as eventId', 'cases.id as caseId', 'cases.ticket_no as ticketNo', 'case_events.action', 'case_events.to_status as status', 'case_events.at', 'cases.path'])
    .where('case_events.id', '>', afterId).orderBy('case_events.id').limit(limit).execute();
}
