import { sql, type Selectable, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { CasesTable, DB } from '../core/db.types.js';
import { escapeLike } from '../core/sql.js';
import { dueIn, type Period } from './cases.stats.repo.js';

/**
 * The SQL of the case list: one filter, read as a page, as a capped count, and in the keyset
 * batches of the CSV export (cases.export.repo.ts), all newest first. Ten million cases is the size
 * they are built for (`npm run bench`, "cases read"): a count of every match would read millions
 * of rows, so counting stops at a cap, and the export walks (created_at, id) downwards instead of
 * paging with offsets. The indexes behind the filters: migrations/202611241500_case_list_indexes.ts.
 */

type Conn = Db | Transaction<DB>;
type CaseRow = Selectable<CasesTable>;

export interface CaseFilter {
  /** The caller's jurisdiction ('' for the whole instance). */
  pathPrefix: string;
  /** An admin unit's subtree inside it. */
  adminUnitPath?: string;
  /**
   * The path of every unit in that subtree (or in the jurisdiction), when they are few: a township
   * or a community. Each path is then read on its own, in order, and the few merged.
   */
  unitPaths?: string[];
  status?: string[];
  /** A category and its subclasses. */
  categoryCode?: string;
  channel?: string;
  /** The lead or a supporting department. */
  departmentId?: number;
  gridId?: number;
  overdue?: boolean;
  /** A ticket number finds that case only; other text is looked for in the description and address. */
  text?: string;
  /** When the text is a phone number: its blind index, which finds the cases its caller reported instead. */
  phoneIndex?: string | null;
  /** Received at or after. */
  from?: Date;
  /** Received before. */
  to?: Date;
  /** Closed at or after (whatever the state now: the figures' drill-down adds status closed). */
  closedFrom?: Date;
  /** Closed before. */
  closedTo?: Date;
  /** Counted as due (应结案) in this period, by the figures' rule. */
  due?: Period;
  /** The present `overdue` is judged at. */
  now: Date;
}

/** A ticket number: the day in China (8 digits), then a running number of at least 5. */
const TICKET_NO = /^\d{13,}$/;

export type CaseSelect = SelectQueryBuilder<DB, 'cases', object>;

/**
 * The matching cases as one query, or as a few read apart and merged (newestFirst). A department's
 * are the cases it leads (cases.department_id, kept equal to the active lead assignment) and those it
 * supports. Apart, each has a plan that holds at any size: a bureau leads hundreds of thousands of
 * cases and its branch walks them newest first; the cases a department supports are few, but the
 * planner cannot tell how few and would walk every case to find them, so their ids are read first
 * (`= any(array(…))`). A small area's cases are read unit by unit (CaseFilter.unitPaths).
 */
function branches(db: Conn, f: CaseFilter): CaseSelect[] {
  const base = db.selectFrom('cases');
  let roots: CaseSelect[] = [base];
  if (f.departmentId) {
    const supported = db.selectFrom('case_assignments').select('case_id')
      .where('department_id', '=', f.departmentId).where('active', '=', true).where('role', '=', 'support');
    roots = [base.where('department_id', '=', f.departmentId), base.where('id', '=', sql<number>`any(array(${supported}))`)];
  }
  // A small area's cases are a sliver of the city's: walking the whole city newest first to find
  // them would read hundreds of thousands of cases, where each of its units' own paths is in order.
  const places = f.unitPaths ?? [null];
  return roots.flatMap((root) => places.map((path) => filtered(path === null ? root : root.where('path', '=', path), f)));
}

function filtered(q: CaseSelect, f: CaseFilter) {
  if (f.adminUnitPath !== undefined && !f.adminUnitPath.startsWith(f.pathPrefix)) q = q.where(({ lit }) => lit(false));
  const prefix = f.adminUnitPath ?? f.pathPrefix;
  // `path like '%'` would only cost the planner its estimate; unit paths are matched exactly (branches).
  if (prefix !== '' && !f.unitPaths) q = q.where('path', 'like', `${escapeLike(prefix)}%`);
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.categoryCode) q = q.where('category_code', 'like', `${escapeLike(f.categoryCode)}%`);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.gridId) q = q.where('grid_id', '=', f.gridId);
  if (f.overdue) q = q.where('closed_at', 'is', null).where('due_at', '<', f.now);
  if (f.text && TICKET_NO.test(f.text)) {
    // An OR with the LIKEs below would read every case in scope; a ticket number is exact.
    q = q.where('ticket_no', '=', f.text);
  } else if (f.phoneIndex) {
    q = q.where('reporter_phone_index', '=', f.phoneIndex);
  } else if (f.text) {
    const like = `%${escapeLike(f.text)}%`;
    q = q.where((eb) => eb.or([eb('description', 'like', like), eb('address', 'like', like)]));
  }
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  if (f.closedFrom) q = q.where('closed_at', '>=', f.closedFrom);
  if (f.closedTo) q = q.where('closed_at', '<', f.closedTo);
  if (f.due) q = q.where((eb) => dueIn(eb, f.due!));
  return q;
}

/**
 * The first `limit` rows after skipping `offset`, newest first, of what `select` reads from each
 * branch. Several branches are each cut to offset + limit in order before they are merged, so none
 * is read further than the page needs.
 */
export function newestFirst<O>(
  db: Conn, f: CaseFilter, select: (q: CaseSelect) => SelectQueryBuilder<DB, 'cases', O>, limit: number, offset = 0,
  /** How the merged rows tell their intake time, when they do not carry created_at itself. */
  receivedAt = sql`created_at`,
) {
  const parts = branches(db, f).map((q) => select(q).orderBy('created_at', 'desc').orderBy('id', 'desc'));
  if (parts.length === 1) return parts[0].limit(limit).offset(offset);
  const cut = parts.map((q) => q.limit(offset + limit));
  return db.selectFrom(sql<O>`(${sql.join(cut, sql` union all `)})`.as('m')).selectAll()
    .orderBy(receivedAt, 'desc').orderBy(sql`id`, 'desc').limit(limit).offset(offset);
}

/** A page of matching cases, newest first. */
export function casePageQuery(db: Conn, f: CaseFilter, limit: number, offset: number) {
  return newestFirst(db, f, (q) => q.selectAll(), limit, offset);
}

export async function casePage(db: Conn, f: CaseFilter, limit: number, offset: number): Promise<CaseRow[]> {
  return (await casePageQuery(db, f, limit, offset).execute()) as CaseRow[];
}

/** How many cases match, counting no further than `cap` (`cap` in each branch, when there are several). */
export function caseCountQuery(db: Conn, f: CaseFilter, cap: number) {
  const parts = branches(db, f).map((q) => q.select(sql.lit(1).as('one')).limit(cap));
  const matches = parts.length === 1 ? sql<{ one: number }>`${parts[0]}` : sql<{ one: number }>`(${sql.join(parts, sql` union all `)})`;
  return db.selectFrom(matches.as('matches')).select((eb) => eb.fn.countAll<number>().as('n'));
}

export async function countCases(db: Conn, f: CaseFilter, cap: number): Promise<number> {
  return (await caseCountQuery(db, f, cap).executeTakeFirstOrThrow()).n;
}
