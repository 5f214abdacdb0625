import { sql, type Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { DB } from '../core/db.types.js';
import { escapeLike } from '../core/sql.js';

/**
 * The SQL of the case list and its CSV export: one filter, read three ways (a page, a capped
 * count, keyset batches), all newest first. Ten million cases is the size they are built for
 * (`npm run bench`, "cases read"): a count of every match would read millions of rows, so
 * counting stops at a cap, and the export walks (created_at, id) downwards instead of paging
 * with offsets. The indexes behind the filters are in migrations/202611241300_case_list_indexes.ts.
 */

type Conn = Db | Transaction<DB>;

export interface CaseFilter {
  /** The caller's jurisdiction ('' for the whole instance). */
  pathPrefix: string;
  /** An admin unit's subtree inside it. */
  adminUnitPath?: string;
  status?: string[];
  /** A category and its subclasses. */
  categoryCode?: string;
  channel?: string;
  /** The lead or a supporting department. */
  departmentId?: number;
  overdue?: boolean;
  /** A ticket number finds that case only; other text is looked for in the description and address. */
  text?: string;
  /** Received at or after. */
  from?: Date;
  /** Received before. */
  to?: Date;
  /** The present `overdue` is judged at. */
  now: Date;
}

/** A ticket number: the day in China (8 digits), then a running number of at least 5. */
export const TICKET_NO = /^\d{13,}$/;

function filtered(db: Conn, f: CaseFilter) {
  let q = db.selectFrom('cases');
  if (f.adminUnitPath !== undefined && !f.adminUnitPath.startsWith(f.pathPrefix)) q = q.where(({ lit }) => lit(false));
  const prefix = f.adminUnitPath ?? f.pathPrefix;
  // `path like '%'` would only cost the planner its estimate.
  if (prefix !== '') q = q.where('path', 'like', `${escapeLike(prefix)}%`);
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.categoryCode) q = q.where('category_code', 'like', `${escapeLike(f.categoryCode)}%`);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.departmentId) {
    const departmentId = f.departmentId;
    q = q.where((eb) => eb.exists(eb.selectFrom('case_assignments').select('case_id')
      .whereRef('case_assignments.case_id', '=', 'cases.id').where('department_id', '=', departmentId).where('active', '=', true)));
  }
  if (f.overdue) q = q.where('closed_at', 'is', null).where('due_at', '<', f.now);
  if (f.text && TICKET_NO.test(f.text)) {
    // An OR with the LIKEs below would read every case in scope; a ticket number is exact.
    q = q.where('ticket_no', '=', f.text);
  } else if (f.text) {
    const like = `%${escapeLike(f.text)}%`;
    q = q.where((eb) => eb.or([eb('description', 'like', like), eb('address', 'like', like)]));
  }
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  return q;
}

/** A page of matching cases, newest first. */
export function casePageQuery(db: Conn, f: CaseFilter, limit: number, offset: number) {
  return filtered(db, f).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
}

export function casePage(db: Conn, f: CaseFilter, limit: number, offset: number) {
  return casePageQuery(db, f, limit, offset).execute();
}

/** How many cases match, counting no further than `cap`: past it, the answer is `cap`. */
export function caseCountQuery(db: Conn, f: CaseFilter, cap: number) {
  return db.selectFrom(filtered(db, f).select(sql.lit(1).as('one')).limit(cap).as('matches'))
    .select((eb) => eb.fn.countAll<number>().as('n'));
}

export async function countCases(db: Conn, f: CaseFilter, cap: number): Promise<number> {
  return (await caseCountQuery(db, f, cap).executeTakeFirstOrThrow()).n;
}

/** Where an export batch ended: the last case's intake time exactly as the database keeps it (microseconds), and its id. */
export interface ExportCursor {
  createdAt: string;
  id: number;
}

/**
 * The next batch of an export: the matching cases after `cursor` in list order, with what the CSV
 * shows of them and nothing personal. Each batch is its own short query, so an export of a million
 * cases holds no transaction open and, on the embedded database, lets other requests in between.
 */
export function exportBatchQuery(db: Conn, f: CaseFilter, cursor: ExportCursor | null, limit: number) {
  let q = filtered(db, f);
  if (cursor) {
    q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(sql<Date>`${cursor.createdAt}::timestamptz`, cursor.id)));
  }
  return q.select([
    'id', 'ticket_no', 'created_at', 'channel', 'request_type', 'category_code', 'triage', 'status', 'urgency', 'path', 'grid_id',
    'address', 'department_id', 'due_at', 'closed_at', 'satisfaction',
    sql<string>`${sql.ref('created_at')}::text`.as('cursor_at'),
  ]).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
}

export type ExportRow = Awaited<ReturnType<ReturnType<typeof exportBatchQuery>['execute']>>[number];

export function exportBatch(db: Conn, f: CaseFilter, cursor: ExportCursor | null, limit: number): Promise<ExportRow[]> {
  return exportBatchQuery(db, f, cursor, limit).execute();
}
