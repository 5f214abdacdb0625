import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { DB } from '../core/db.types.js';
import { escapeLike } from '../core/sql.js';
import type { CaseFigureSet, StaffFigureSet } from './cases.contract.js';

/**
 * The SQL of the performance figures (README, "Figures"): one aggregate query per grouping,
 * one pass over the cases touched by the period, every figure a `count(*) filter (where …)`.
 * Rates are left to the service, so totals and groups divide the same way.
 *
 * Indexes: the period's lower bound can use only cases_created (and cases_path_created for a
 * district); over many years of cases PostgreSQL then scans every case created before the period's
 * end. Single-column indexes on registered_at, dispatched_at, closed_at and due_at turn the
 * period filter into a BitmapOr of five index ranges, and one on case_events (at) serves the
 * figures by post; they belong in a migration of their own.
 */

type Conn = Db | Transaction<DB>;
type CaseEb = ExpressionBuilder<DB, 'cases'>;
type TimeColumn = 'created_at' | 'registered_at' | 'dispatched_at' | 'closed_at' | 'due_at';

/** A half-open period [from, to). */
export interface Period {
  from: Date;
  to: Date;
}

/** What the case figures are grouped by; `depth` is the admin level's place in the path (city 1 … community 4). */
export type CaseGrouping =
  | { by: 'department' | 'grid' | 'category' | 'channel' }
  | { by: 'adminUnit'; depth: number };

/** States that take a registered case out of `due`: deferred and hung (缓办, 挂账), and those that ended it outside the loop. */
export const NOT_DUE_STATUSES = ['deferred', 'hung', 'void', 'merged', 'referred'] as const;

/** The actions counted per staff member, by the column they count in. */
export const STAFF_ACTIONS = {
  received: ['receive'],
  registered: ['register'],
  dispatched: ['dispatch', 'joint_dispatch'],
  handled: ['report_back'],
  verified: ['verify_ok', 'verify_fail'],
  closed: ['close'],
} as const;

/** The counts among the figures (the rates are worked out from them in cases.stats.ts). */
export type CaseCounts = Pick<CaseFigureSet, 'received' | 'registered' | 'dispatched' | 'closed' | 'due' | 'closedOnTime' | 'reopened' | 'extended' | 'rated' | 'satisfied'>;

/** Counts of one group of cases; the key is text so one row type serves every grouping. */
export interface CaseCountRow extends CaseCounts {
  key: string | null;
  /** Seconds from registration to closure summed over `closed`; null when none closed. */
  handlingSeconds: number | null;
}

/** Counts of one staff member's actions. */
export interface StaffCountRow extends StaffFigureSet {
  actorId: number;
  actorName: string;
}

const CLOSED = sql.lit('closed');

function within(eb: CaseEb, column: TimeColumn, p: Period) {
  return eb.and([eb(column, '>=', p.from), eb(column, '<', p.to)]);
}

/** Closed (结案) in the period: the loop's own closure, not rejection, voiding, referral or merging. */
function closedIn(eb: CaseEb, p: Period) {
  return eb.and([eb('status', '=', CLOSED), within(eb, 'closed_at', p)]);
}

/**
 * Due (应结案) in the period: registered, not deferred, hung or ended outside the loop, and
 * either closed in the period or falling due in it without having been closed before it.
 */
export function dueIn(eb: CaseEb, p: Period) {
  return eb.and([
    eb('registered_at', 'is not', null),
    eb('status', 'not in', NOT_DUE_STATUSES.map((s) => sql.lit(s))),
    eb.or([
      closedIn(eb, p),
      eb.and([within(eb, 'due_at', p), eb.or([eb('status', '!=', CLOSED), eb('closed_at', '>=', p.from)])]),
    ]),
  ]);
}

function groupKey(g: CaseGrouping): RawBuilder<string | null> {
  switch (g.by) {
    case 'department': return sql<string | null>`${sql.ref('department_id')}::text`;
    case 'grid': return sql<string | null>`${sql.ref('grid_id')}::text`;
    case 'category': return sql<string | null>`${sql.ref('category_code')}`;
    case 'channel': return sql<string | null>`${sql.ref('channel')}`;
    // The id of the case's ancestor at that level, read off its path ('/city/district/township/community/').
    case 'adminUnit': return sql<string | null>`nullif(split_part(${sql.ref('path')}, '/', ${sql.lit(g.depth + 1)}), '')`;
  }
}

/**
 * The aggregate behind the case figures, one row per group. Only cases touched by the period
 * are read (created before its end, and created, registered, dispatched, closed or due in it);
 * each is classified once (the inner select) and the classes are counted per group.
 */
export function caseCountsQuery(db: Conn, pathPrefix: string, p: Period, g: CaseGrouping) {
  let touched = db.selectFrom('cases');
  if (pathPrefix !== '') touched = touched.where('path', 'like', `${escapeLike(pathPrefix)}%`);
  const flags = touched
    .where('created_at', '<', p.to)
    .where((eb) => eb.or((['created_at', 'registered_at', 'dispatched_at', 'closed_at', 'due_at'] as const).map((c) => within(eb, c, p))))
    .select((eb) => [
      groupKey(g).as('key'),
      within(eb, 'created_at', p).as('received'),
      within(eb, 'registered_at', p).as('registered'),
      within(eb, 'dispatched_at', p).as('dispatched'),
      closedIn(eb, p).as('closed'),
      dueIn(eb, p).as('due'),
      eb.or([eb('due_at', 'is', null), eb('closed_at', '<=', eb.ref('due_at'))]).as('by_due_date'),
      'reopen_count', 'extension_count', 'satisfaction',
      // A closure with no registration time counts as no time, as the mean over `closed` always took it.
      sql<number>`coalesce(extract(epoch from ${sql.ref('closed_at')} - ${sql.ref('registered_at')}), 0)`.as('handling_seconds'),
    ]);
  return db.selectFrom(flags.as('f'))
    .select((eb) => {
      const count = (where: Expression<SqlBool>) => eb.fn.countAll<number>().filterWhere(where);
      return [
        'f.key',
        count(eb.ref('f.received')).as('received'),
        count(eb.ref('f.registered')).as('registered'),
        count(eb.ref('f.dispatched')).as('dispatched'),
        count(eb.ref('f.closed')).as('closed'),
        count(eb.ref('f.due')).as('due'),
        count(eb.and([eb.ref('f.closed'), eb.ref('f.by_due_date')])).as('closedOnTime'),
        count(eb.and([eb.ref('f.due'), eb('f.reopen_count', '>', sql.lit(0))])).as('reopened'),
        count(eb.and([eb.ref('f.due'), eb('f.extension_count', '>', sql.lit(0))])).as('extended'),
        count(eb.and([eb.ref('f.closed'), eb('f.satisfaction', 'is not', null)])).as('rated'),
        count(eb.and([eb.ref('f.closed'), eb('f.satisfaction', '>=', sql.lit(4))])).as('satisfied'),
        eb.fn.sum<number | null>('f.handling_seconds').filterWhere(eb.ref('f.closed')).as('handlingSeconds'),
      ];
    })
    .groupBy('f.key')
    // A group is listed when it counts something: a case touched by the period may count
    // in nothing (closed before the period it falls due in), and the daily counts list no such group.
    .having((eb) => eb.fn.countAll().filterWhere(eb.or(['f.received', 'f.registered', 'f.dispatched', 'f.closed', 'f.due'].map((c) => eb.ref(c as 'f.received')))), '>', sql.lit(0));
}

export function caseCounts(db: Conn, pathPrefix: string, p: Period, g: CaseGrouping): Promise<CaseCountRow[]> {
  return caseCountsQuery(db, pathPrefix, p, g).execute();
}

/** The aggregate behind the figures by post: each staff member's actions in the period on cases in scope. */
export function staffCountsQuery(db: Conn, pathPrefix: string, p: Period) {
  let q = db.selectFrom('case_events as e').innerJoin('cases as c', 'c.id', 'e.case_id');
  if (pathPrefix !== '') q = q.where('c.path', 'like', `${escapeLike(pathPrefix)}%`);
  const counted = Object.values(STAFF_ACTIONS).flat();
  return q
    .where('e.at', '>=', p.from).where('e.at', '<', p.to)
    .where('e.actor_id', 'is not', null)
    .where('e.action', 'in', counted.map((a) => sql.lit(a)))
    .select((eb) => {
      const count = (actions: readonly string[]) => eb.fn.countAll<number>().filterWhere('e.action', 'in', actions.map((a) => sql.lit(a)));
      return [
        sql<number>`${sql.ref('e.actor_id')}`.as('actorId'),
        eb.fn.max('e.actor_name').as('actorName'),
        count(STAFF_ACTIONS.received).as('received'),
        count(STAFF_ACTIONS.registered).as('registered'),
        count(STAFF_ACTIONS.dispatched).as('dispatched'),
        count(STAFF_ACTIONS.handled).as('handled'),
        count(STAFF_ACTIONS.verified).as('verified'),
        count(STAFF_ACTIONS.closed).as('closed'),
      ];
    })
    .groupBy('e.actor_id');
}

export function staffCounts(db: Conn, pathPrefix: string, p: Period): Promise<StaffCountRow[]> {
  return staffCountsQuery(db, pathPrefix, p).execute();
}
