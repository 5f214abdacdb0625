import { sql, type Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { DB } from '../core/db.types.js';
import { escapeLike } from '../core/sql.js';

/**
 * The SQL of the command centre's reads: case points for the map and the daily series for the
 * trend chart. Open cases are those not yet ended (`closed_at is null`, as the case list's
 * `overdue` filter reads it; every way of ending a case sets closed_at).
 */

type Conn = Db | Transaction<DB>;

export interface PointFilter {
  /** The caller's jurisdiction ('' for the whole instance). */
  pathPrefix: string;
  /** Besides the open cases, those that ended in [from, to); null for open cases only. */
  endedIn: { from: Date; to: Date } | null;
  /** The present `overdue` is judged at. */
  now: Date;
  limit: number;
}

/** A case as a point: nothing personal, and nothing of what was reported. */
export interface CasePointRow {
  id: number;
  status: string;
  categoryCode: string | null;
  lon: number;
  lat: number;
  overdue: boolean;
}

/** Located cases in scope, overdue first, then newest first, at most `limit`. */
export function casePointsQuery(db: Conn, f: PointFilter) {
  let q = db.selectFrom('cases').where('lon', 'is not', null).where('lat', 'is not', null);
  if (f.pathPrefix !== '') q = q.where('path', 'like', `${escapeLike(f.pathPrefix)}%`);
  const ended = f.endedIn;
  q = ended
    ? q.where((eb) => eb.or([eb('closed_at', 'is', null), eb.and([eb('closed_at', '>=', ended.from), eb('closed_at', '<', ended.to)])]))
    : q.where('closed_at', 'is', null);
  const overdue = sql<boolean>`(${sql.ref('closed_at')} is null and ${sql.ref('due_at')} is not null and ${sql.ref('due_at')} < ${f.now})`;
  return q.select(['id', 'status', 'category_code as categoryCode', 'lon', 'lat', overdue.as('overdue')])
    .orderBy(overdue, 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc')
    .limit(f.limit);
}

export async function casePoints(db: Conn, f: PointFilter): Promise<CasePointRow[]> {
  return (await casePointsQuery(db, f).execute()) as CasePointRow[];
}

/** One day's count; `day` is 'YYYY-MM-DD' in China Standard Time. */
export interface DayCount {
  day: string;
  n: number;
}

/** A timestamp's day in China Standard Time (UTC+8, no daylight saving), as 'YYYY-MM-DD'. */
const cstDay = (column: 'created_at' | 'closed_at') =>
  sql<string>`to_char((${sql.ref(column)} at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;

/** Cases received per day in [from, to). */
export function receivedPerDayQuery(db: Conn, pathPrefix: string, from: Date, to: Date) {
  let q = db.selectFrom('cases').where('created_at', '>=', from).where('created_at', '<', to);
  if (pathPrefix !== '') q = q.where('path', 'like', `${escapeLike(pathPrefix)}%`);
  return q.select([cstDay('created_at').as('day'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(sql`1`);
}

/** Cases closed (结案, the loop's own closure, as the figures count it) per day in [from, to). */
export function closedPerDayQuery(db: Conn, pathPrefix: string, from: Date, to: Date) {
  let q = db.selectFrom('cases').where('status', '=', 'closed').where('closed_at', '>=', from).where('closed_at', '<', to);
  if (pathPrefix !== '') q = q.where('path', 'like', `${escapeLike(pathPrefix)}%`);
  return q.select([cstDay('closed_at').as('day'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(sql`1`);
}

export async function countsPerDay(db: Conn, pathPrefix: string, from: Date, to: Date): Promise<{ received: DayCount[]; closed: DayCount[] }> {
  const [received, closed] = await Promise.all([
    receivedPerDayQuery(db, pathPrefix, from, to).execute(),
    closedPerDayQuery(db, pathPrefix, from, to).execute(),
  ]);
  return { received: received.map((r) => ({ day: r.day, n: Number(r.n) })), closed: closed.map((r) => ({ day: r.day, n: Number(r.n) })) };
}
