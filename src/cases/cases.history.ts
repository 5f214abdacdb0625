import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Role } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import type { DB } from '../core/db.types.js';
import type { Env } from '../core/env.js';
import { noticeRows } from '../notify/notify.service.js';
import { ANSWERING_ACTIONS, nextStatus, mayTake, OPEN_STATUSES, TRANSITIONS, type Action, type Status, type Transition } from './cases.workflow.js';
import { foldAll } from './cases.stats.daily.js';

/**
 * Cases that already happened: the demo city's two years of history, and one day a city's
 * cases from the system it ran before. Nothing is decided here, unlike intake: each case comes
 * with its whole timeline and the state that timeline led to. The timelines are checked against
 * the transition table, then written in bulk, about a thousand cases per transaction, each table
 * in one multi-row statement, with one audit row per batch instead of one per case and action.
 */

/** One entry of a historic timeline, as case_events keeps it. */
export interface HistoricEvent {
  /** An action of the transition table, or `receive` (intake) or `warn` (the deadline job). */
  action: Action | 'receive' | 'warn';
  from: Status | null;
  to: Status;
  at: Date;
  /** The user who acted; null for the public doors and the system. */
  actorId: number | null;
  actorName: string;
  /**
   * The role the action was taken in, to check the walk (not stored): null when no person
   * decided it (intake's automatic registration of a patrol report, the deadline job's warnings
   * and escalations, a public door's intake).
   */
  role: Role | null;
  note: string | null;
  detail?: Record<string, unknown>;
}

/** A case with everything it carries, as the timeline left it. */
export interface HistoricCase {
  channel: string;
  requestType: string;
  categoryCode: string | null;
  triage: string | null;
  urgency: string;
  /** The state the timeline ends in. */
  status: Status;
  description: string;
  address: string | null;
  location: { lon: number; lat: number } | null;
  gridId: number | null;
  /** The admin unit the case belongs to (the grid's community), its path and its city. */
  adminUnitId: number;
  path: string;
  cityId: number;
  /** The current lead department, and the supporting ones (中心吹哨、部门报到). */
  departmentId: number | null;
  supportDepartmentIds: number[];
  /** In plain text: encrypted on import. Null when nobody left a name or number. */
  reporter: { name?: string; phone?: string } | null;
  confidential: boolean;
  /** The reporter agreed that anyone may see what they wrote, where and their photos (public doors). */
  shownPublicly?: boolean;
  /** The staff member who took it in; null for the public doors. */
  createdBy: number | null;
  createdAt: Date;
  registeredAt: Date | null;
  dispatchedAt: Date | null;
  /** When it was closed, rejected, voided, referred or merged. */
  closedAt: Date | null;
  /** The due date in force (after any extension). */
  dueAt: Date | null;
  satisfaction: number | null;
  reopenCount: number;
  extensionCount: number;
  escalationLevel: number;
  escalatedToUnitId: number | null;
  lastEscalatedAt: Date | null;
  /** 0 none, 1 yellow, 2 red, as the deadline job left it. */
  warningLevel: 0 | 1 | 2;
  /** For a merged case: the index, in the same import, of the earlier case it was merged into. */
  mergedInto: number | null;
  /** The timeline, oldest first. */
  events: HistoricEvent[];
}

/** Cases per transaction: each statement stays well under PostgreSQL's 65,535 parameters. */
const BATCH = 1000;
/** Clocks that run only while a case is in these states (cases.deadlines.ts). */
const WATCHED: ReadonlySet<Status> = new Set([...OPEN_STATUSES].filter((s) => s !== 'deferred' && s !== 'hung'));

/**
 * What is wrong with a case's timeline, if anything: it must start with intake, every step
 * must start from the state the one before left, be one the transition table allows the role
 * that took it (with the note it requires), lead where the table says, and the walk must end
 * in the case's status. Steps no person decided are intake's automatic registration and the
 * deadline job's warnings and escalations.
 */
export function walkProblems(c: HistoricCase): string[] {
  const [first, ...rest] = c.events;
  if (!first || first.action !== 'receive' || first.from !== null || first.to !== 'received') return ['the timeline does not start by receiving the case'];
  const problems: string[] = [];
  let status: Status = 'received';
  let previous = first;
  for (const e of rest) {
    const step = `${e.action} at ${e.at.toISOString()}`;
    if (e.at.getTime() < previous.at.getTime()) problems.push(`${step} comes before the step preceding it`);
    if (e.from !== status) problems.push(`${step} starts from ${e.from}, but the case is ${status}`);
    const expected = expectedState(e, status, previous, c);
    if (typeof expected === 'string' && expected.startsWith('!')) problems.push(`${step}: ${expected.slice(1)}`);
    else if (e.to !== expected) problems.push(`${step} leads to ${e.to}, not ${expected}`);
    status = e.to;
    previous = e;
  }
  if (status !== c.status) problems.push(`the timeline ends in ${status}, but the case is ${c.status}`);
  return problems;
}

/** The state a step leads to from `status`, or a problem starting with '!'. */
function expectedState(e: HistoricEvent, status: Status, previous: HistoricEvent, c: HistoricCase): Status | `!${string}` {
  if (e.role === null) {
    if (e.action === 'register') {
      return previous.action === 'receive' && e.at.getTime() === previous.at.getTime() ? 'registered' : '!only intake registers a case by itself, at once';
    }
    if (e.action === 'warn') return WATCHED.has(status) ? status : `!no deadline runs on a ${status} case`;
    if (e.action === 'escalate') return (TRANSITIONS.escalate.from as readonly Status[]).includes(status) ? status : `!a ${status} case is not escalated`;
    return `!${e.action} needs a person`;
  }
  if (e.action === 'receive' || e.action === 'warn') return `!${e.action} happens once, at intake, or by the system`;
  if (!mayTake(e.action, status, { role: e.role, leadDepartment: true, gridWorker: true, reporter: true })) return `!a ${e.role} may not ${e.action} a ${status} case`;
  const transition: Transition = TRANSITIONS[e.action];
  if (transition.needsNote && !e.note?.trim()) return `!${e.action} needs a note`;
  if (e.action === 'close' && status === 'registered' && c.triage !== 'private') return '!only a private matter closes without being handled';
  return nextStatus(e.action, status);
}

/** The day in China, as ticket numbers carry it (as intake numbers them). */
function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

type Trx = Transaction<DB>;
type ColumnType = 'text' | 'bigint' | 'integer' | 'smallint' | 'float8' | 'boolean' | 'timestamptz' | 'jsonb';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * One multi-row INSERT of any number of rows: each column goes as one array parameter and
 * `unnest` turns the arrays back into rows, so the statement's size does not grow with them.
 */
function insertRows(table: keyof DB, columns: readonly (readonly [string, ColumnType])[], rows: readonly unknown[][]): RawBuilder<unknown> {
  const arrays = columns.map(([, type], i) => sql`${rows.map((r) => r[i])}::${sql.raw(type)}[]`);
  return sql`insert into ${sql.table(table)} (${sql.join(columns.map(([name]) => sql.ref(name)))}) select * from unnest(${sql.join(arrays)})`;
}

const CASE_COLUMNS = [
  ['ticket_no', 'text'], ['city_id', 'bigint'], ['channel', 'text'], ['request_type', 'text'], ['category_code', 'text'], ['triage', 'text'],
  ['urgency', 'text'], ['status', 'text'], ['description', 'text'], ['address', 'text'], ['lon', 'float8'], ['lat', 'float8'],
  ['grid_id', 'bigint'], ['admin_unit_id', 'bigint'], ['path', 'text'], ['department_id', 'bigint'], ['reporter_name_enc', 'text'],
  ['reporter_phone_enc', 'text'], ['reporter_phone_index', 'text'], ['confidential', 'boolean'], ['shown_publicly', 'boolean'], ['created_by', 'bigint'], ['due_at', 'timestamptz'],
  ['registered_at', 'timestamptz'], ['dispatched_at', 'timestamptz'], ['closed_at', 'timestamptz'], ['satisfaction', 'smallint'],
  ['reopen_count', 'integer'], ['extension_count', 'integer'], ['escalation_level', 'integer'], ['version', 'integer'],
  ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['warning_level', 'smallint'], ['escalated_to_unit_id', 'bigint'],
  ['last_escalated_at', 'timestamptz'],
] as const;

const EVENT_COLUMNS = [
  ['id', 'bigint'], ['case_id', 'bigint'], ['at', 'timestamptz'], ['actor_id', 'bigint'], ['actor_name', 'text'], ['action', 'text'],
  ['from_status', 'text'], ['to_status', 'text'], ['note', 'text'], ['detail', 'jsonb'],
] as const;

const NOTICE_COLUMNS = [
  ['dedupe_key', 'text'], ['case_id', 'bigint'], ['channel', 'text'], ['user_id', 'bigint'], ['department_id', 'bigint'], ['address_enc', 'text'],
  ['subject', 'text'], ['body', 'text'], ['path', 'text'], ['status', 'text'], ['attempts', 'integer'], ['next_attempt_at', 'timestamptz'],
  ['created_at', 'timestamptz'], ['sent_at', 'timestamptz'],
] as const;
const NOTICE_AT = NOTICE_COLUMNS.findIndex(([name]) => name === 'created_at');

/**
 * The messages a timeline sent, in the words the live loop uses (notify's noticeRows), each
 * sent at its step: the lead department is the one the case was dispatched to last, until a
 * return or transfer took it back.
 */
function toldInTimeline(c: { caseId: number; ticketNo: string; path: string; phoneEnc: string | null }, timeline: { e: HistoricEvent; id: number }[]): unknown[][] {
  let lead: number | null = null;
  return timeline.flatMap(({ e, id }) => {
    const dispatched = e.action === 'dispatch' || e.action === 'joint_dispatch' ? e.detail as { departmentId?: number; supportDepartmentIds?: number[] } | undefined : undefined;
    const summoned = dispatched?.departmentId === undefined ? [] : [dispatched.departmentId, ...(dispatched.supportDepartmentIds ?? [])];
    const leadBefore = lead;
    if (summoned.length) lead = summoned[0];
    else if (e.action === 'return' || e.action === 'transfer') lead = null;
    const rows = noticeRows({
      caseId: c.caseId, eventId: id, ticketNo: c.ticketNo, path: c.path, action: e.action, fromStatus: e.from, toStatus: e.to,
      answer: ANSWERING_ACTIONS.has(e.action) ? e.note : null, reporter: { emailEnc: null, phoneEnc: c.phoneEnc },
      newDepartments: summoned, leadDepartment: leadBefore,
    });
    const at = e.at.toISOString();
    return rows.map((r) => [r.dedupe_key, r.case_id, r.channel, r.user_id ?? null, r.department_id ?? null, r.address_enc ?? null, r.subject, r.body, r.path, 'sent', 1, at, at, at]);
  });
}

const ASSIGNMENT_COLUMNS = [['case_id', 'bigint'], ['department_id', 'bigint'], ['role', 'text'], ['assigned_at', 'timestamptz'], ['active', 'boolean']] as const;

/** Steps that changed the case row (each bumps its version); intake's own two do not. */
function versionOf(c: HistoricCase): number {
  return 1 + c.events.filter((e) => e.action !== 'receive' && !(e.action === 'register' && e.role === null)).length;
}

/** What one import wrote. */
export interface HistoryImport {
  cases: number;
  events: number;
  batches: number;
}

export interface HistoryOptions {
  onProgress?: (done: number, total: number) => void;
  /**
   * Also write what the timelines told people, as sent when it happened: each status change and
   * answer to a reporter who left a number, each new case to its departments, each warning and
   * escalation to the lead department. For the demo city, whose outbox would otherwise be empty;
   * cases brought over from another system come without its messages, which it sent in its own words.
   */
  messages?: boolean;
}

/**
 * Writes historic cases with their assignments and timelines. Every timeline is checked first
 * (walkProblems) and the whole import refused if one is not a legal walk; then each batch of
 * about a thousand cases is one transaction: ticket numbers (the day of creation and a running
 * number from case_ticket_seq), the cases, the merges among them, the assignments, the events
 * and one `case.history_import` audit row. The messages, when asked for, follow in one more
 * transaction, in the order they were sent.
 */
export async function importHistory(env: Env, cases: HistoricCase[], options: HistoryOptions = {}): Promise<HistoryImport> {
  cases.forEach((c, i) => {
    const problems = walkProblems(c);
    if (c.mergedInto !== null && !(c.mergedInto >= 0 && c.mergedInto < i)) problems.push(`merged into ${c.mergedInto}, which is not an earlier case of the import`);
    if (problems.length) throw new Error(`historic case #${i} (${c.createdAt.toISOString()}): ${problems.slice(0, 3).join('; ')}`);
  });
  const ids: number[] = [];
  const tickets: string[] = [];
  let events = 0;
  let batches = 0;
  const told: unknown[][] | null = options.messages ? [] : null;
  for (let start = 0; start < cases.length; start += BATCH) {
    const batch = cases.slice(start, start + BATCH);
    events += await env.db.transaction().execute((trx) => importBatch(env, trx, batch, start, ids, tickets, told));
    batches += 1;
    options.onProgress?.(start + batch.length, cases.length);
  }
  if (told?.length) {
    // In the order they were sent: the outbox reads newest first by id, and a case's messages span its whole life.
    told.sort((a, b) => (a[NOTICE_AT] as string).localeCompare(b[NOTICE_AT] as string));
    await env.db.transaction().execute(async (trx) => {
      for (let start = 0; start < told.length; start += 5 * BATCH) await insertRows('notifications', NOTICE_COLUMNS, told.slice(start, start + 5 * BATCH)).execute(trx);
    });
  }
  // Counted into the figures' daily counts now, so the first figures asked for need not wait.
  await foldAll(env.db);
  return { cases: cases.length, events, batches };
}

async function importBatch(env: Env, trx: Trx, batch: HistoricCase[], start: number, ids: number[], tickets: string[], told: unknown[][] | null): Promise<number> {
  const { rows: serials } = await sql<{ n: number }>`select nextval('case_ticket_seq') as n from generate_series(1, ${batch.length})`.execute(trx);
  const numbers = serials.map((r) => Number(r.n)).sort((a, b) => a - b);
  const ticketNos = batch.map((c, i) => `${chinaDay(c.createdAt)}${String(numbers[i]).padStart(5, '0')}`);

  const phonesEnc = batch.map((c) => env.cipher.encryptOptional(c.reporter?.phone));
  const { rows: inserted } = await sql<{ id: number; ticket_no: string }>`${insertRows('cases', CASE_COLUMNS, batch.map((c, i) => [
    ticketNos[i], c.cityId, c.channel, c.requestType, c.categoryCode, c.triage, c.urgency, c.status, c.description, c.address,
    c.location?.lon ?? null, c.location?.lat ?? null, c.gridId, c.adminUnitId, c.path, c.departmentId,
    env.cipher.encryptOptional(c.reporter?.name), phonesEnc[i], env.cipher.phoneIndex(c.reporter?.phone), c.confidential, c.shownPublicly ?? false, c.createdBy,
    iso(c.dueAt), iso(c.registeredAt), iso(c.dispatchedAt), iso(c.closedAt), c.satisfaction, c.reopenCount, c.extensionCount,
    c.escalationLevel, versionOf(c), iso(c.createdAt), iso(c.events[c.events.length - 1].at), c.warningLevel, c.escalatedToUnitId, iso(c.lastEscalatedAt),
  ]))} returning id, ticket_no`.execute(trx);
  const idOf = new Map(inserted.map((r) => [r.ticket_no, Number(r.id)]));
  batch.forEach((_, i) => {
    ids[start + i] = idOf.get(ticketNos[i])!;
    tickets[start + i] = ticketNos[i];
  });

  const merged = batch.map((c, i) => ({ c, id: ids[start + i] })).filter(({ c }) => c.mergedInto !== null);
  if (merged.length) {
    await sql`update cases set merged_into_id = m.target
      from unnest(${merged.map((m) => m.id)}::bigint[], ${merged.map((m) => ids[m.c.mergedInto!])}::bigint[]) as m(id, target)
      where cases.id = m.id`.execute(trx);
  }

  const assignments = batch.flatMap((c, i) => (c.departmentId === null ? [] : [
    [ids[start + i], c.departmentId, 'lead', iso(c.dispatchedAt ?? c.createdAt), true],
    ...c.supportDepartmentIds.filter((d) => d !== c.departmentId).map((d) => [ids[start + i], d, 'support', iso(c.dispatchedAt ?? c.createdAt), true]),
  ]));
  if (assignments.length) await insertRows('case_assignments', ASSIGNMENT_COLUMNS, assignments).execute(trx);

  // Ids drawn first, oldest first within each case (the timeline is read back in id order), for the messages' keys.
  const eventCount = batch.reduce((n, c) => n + c.events.length, 0);
  const { rows: drawn } = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('case_events', 'id'))::text as id from generate_series(1, ${eventCount})`.execute(trx);
  const eventIds = drawn.map((r) => Number(r.id)).sort((a, b) => a - b);
  let next = 0;
  const timelines = batch.map((c) => c.events.map((e) => ({ e, id: eventIds[next++] })));
  const eventRows = batch.flatMap((c, i) => timelines[i].map(({ e, id }) => {
    const detail = e.action === 'merge' && c.mergedInto !== null ? { ...e.detail, mergeIntoId: ids[c.mergedInto], ticketNo: tickets[c.mergedInto] } : e.detail;
    return [id, ids[start + i], e.at.toISOString(), e.actorId, e.actorName, e.action, e.from, e.to, e.note, detail === undefined ? null : JSON.stringify(detail)];
  }));
  await insertRows('case_events', EVENT_COLUMNS, eventRows).execute(trx);
  told?.push(...batch.flatMap((c, i) => toldInTimeline({ caseId: ids[start + i], ticketNo: ticketNos[i], path: c.path, phoneEnc: phonesEnc[i] }, timelines[i])));

  const cities = new Set(batch.map((c) => c.cityId));
  const created = batch.map((c) => c.createdAt.getTime());
  await recordAudit(trx, { actor: null, via: 'system' }, {
    action: 'case.history_import', targetType: 'case',
    // One city's batch is visible to that city's auditors; a mixed one to instance-wide ones only.
    scopePath: cities.size === 1 ? `/${batch[0].path.split('/')[1]}/` : null,
    after: {
      cases: batch.length, events: eventRows.length, tickets: [ticketNos[0], ticketNos[ticketNos.length - 1]],
      createdFrom: new Date(Math.min(...created)).toISOString(), createdTo: new Date(Math.max(...created)).toISOString(),
      closed: batch.filter((c) => c.status === 'closed').length,
    },
  });
  return eventRows.length;
}
