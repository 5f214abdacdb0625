import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../core/db.js';
import type { Job } from '../core/scheduler.js';
import { NOT_DUE_STATUSES, type CaseCountRow, type Period } from './cases.stats.repo.js';

/**
 * The case figures kept as cases change: daily counts per city and district (the tables and
 * the trigger that queues every change are in migrations/202611241800_case_daily_counts.ts).
 *
 * A change queued by the trigger is the case's counted columns with a sign; folding it adds
 * what the case now counts and takes away what it counted before, on the days (and months)
 * each counter belongs to. The figures of a period made of whole Beijing days are then sums
 * over those days, equal to the count over the cases (cases.stats.repo.ts) because every
 * figure is one, `due` (应结案) included once cut into parts:
 *
 *   due = closures of due cases in P
 *       + cases falling due in P − those of them closed (at any time)
 *       + those of them closed, but only after P ended
 *
 * the last read from the late closures from P's end on.
 */

/** The dimensions kept per scope; `unit` is the scope's child unit (a district of a city, a township of a district). */
export type DailyDimension = 'department' | 'category' | 'channel' | 'unit';

const LOCK = sql.lit(0x5f1d_0c0a);
/** Changes folded per transaction: bounds a fold's memory and how long it holds its lock. */
const FOLD_BATCH = 20_000;
/**
 * A backlog bigger than this (a restore, a migration, a bulk load, a job fallen behind) is left
 * to the job, and the figures read the cases meanwhile: a read never waits long for a fold.
 */
const READ_FOLD_LIMIT = 5_000;

/**
 * Where each change counts: in its city and its district, by each dimension. Written out where it
 * is used rather than as a CTE of its own, which PostgreSQL would materialise at eight rows a change.
 */
const SCOPES = sql`cross join lateral (values
  (city, 'department', department), (city, 'category', category), (city, 'channel', channel), (city, 'unit', district_key),
  (district, 'department', department), (district, 'category', category), (district, 'channel', channel), (district, 'unit', township_key)
) g(scope_id, dim, key)`;

/** The columns of a case the figures count, as the trigger queues them. */
const COUNTED = 'path, department_id, category_code, channel, status, created_at, registered_at, dispatched_at, closed_at, due_at, reopen_count, extension_count, satisfaction';

/** The counters of case_daily_counts, each summed over a period. */
const COUNTERS = [
  'received', 'registered', 'dispatched', 'closed', 'closed_on_time', 'rated', 'satisfied', 'handling_seconds',
  'closed_due', 'closed_due_reopened', 'closed_due_extended', 'falling_due', 'falling_due_reopened', 'falling_due_extended',
  'falling_due_closed', 'falling_due_closed_reopened', 'falling_due_closed_extended',
];

const day = (column: string) => sql.raw(`((${column} at time zone 'UTC') + interval '8 hours')::date`);
const notDue = sql.join(NOT_DUE_STATUSES.map((s) => sql.lit(s)));

/** Folds up to `limit` queued changes in one transaction; answers how many it folded. */
export async function foldChanges(db: Db, limit = FOLD_BATCH): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // One fold at a time across processes: two would each add the other's rows' counters.
    await sql`select pg_advisory_xact_lock(${LOCK}, hashtext(current_schema()))`.execute(trx);
    // A batch of old cases spreads over thousands of days and keys: aggregate in memory, not on disk.
    await sql`set local work_mem = '64MB'`.execute(trx);
    const { rows } = await foldStatement(queued(limit)).execute(trx);
    return rows[0].n;
  });
}

/**
 * Counts every case afresh, for a database whose queue holds more than the folds can keep
 * up with (a bulk load of history). Writers wait for it: it holds the cases still. A month of
 * intake at a time, so that no statement's intermediate rows outgrow memory and temporary disk.
 */
export async function rebuildDailyCounts(db: Db): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${LOCK}, hashtext(current_schema()))`.execute(trx);
    await sql`lock table cases in share mode`.execute(trx);
    await sql`set local work_mem = '256MB'`.execute(trx);
    await sql`truncate case_figure_changes, case_daily_counts, case_late_closures`.execute(trx);
    const { rows: [span] } = await sql<{ first: Date | null; last: Date | null }>`select min(created_at) as first, max(created_at) as last from cases`.execute(trx);
    let counted = 0;
    if (!span.first || !span.last) return counted;
    for (let from = monthStart(span.first); from <= span.last; from = monthStart(new Date(from.getTime() + 32 * 86_400_000))) {
      const to = monthStart(new Date(from.getTime() + 32 * 86_400_000));
      const { rows } = await foldStatement(sql`select 1 as sign, ${sql.raw(COUNTED)} from cases where created_at >= ${from} and created_at < ${to}`).execute(trx);
      counted += rows[0].n;
    }
    // The planner must know the tables' new size before the first read.
    await sql`analyze case_daily_counts, case_late_closures`.execute(trx);
    return counted;
  });
}

/** The first instant of the calendar month (UTC) that `at` falls in. */
function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The changes waiting to be folded: up to `limit` of them, taken off the queue. */
function queued(limit: number) {
  return sql`delete from case_figure_changes where ctid = any(array(select ctid from case_figure_changes limit ${limit})) returning *`;
}

/** The statement of a fold: adds the changes `source` answers to the counts. */
export function foldStatement(source: RawBuilder<unknown>) {
  return sql<{ n: number }>`
      with q as (${source}),
      f as (
        select sign::int as sign,
          nullif(split_part(path, '/', 2), '')::bigint as city, nullif(split_part(path, '/', 3), '')::bigint as district,
          split_part(path, '/', 3) as district_key, split_part(path, '/', 4) as township_key,
          coalesce(department_id::text, '') as department, coalesce(category_code, '') as category, channel,
          ${day('created_at')} as received_day, ${day('registered_at')} as registered_day, ${day('dispatched_at')} as dispatched_day,
          case when status = 'closed' then ${day('closed_at')} end as closed_day,
          case when due then ${day('due_at')} end as due_day,
          due::int as due, (status = 'closed')::int as closed, (status = 'closed' and (due_at is null or closed_at <= due_at))::int as on_time,
          (satisfaction is not null)::int as rated, coalesce(satisfaction >= 4, false)::int as satisfied,
          coalesce(extract(epoch from closed_at - registered_at), 0) as handling,
          (reopen_count > 0)::int as reopened, (extension_count > 0)::int as extended
        from q cross join lateral (select registered_at is not null and status not in (${notDue}) as due) e
      ),
      d as (
        select g.scope_id, g.dim, g.key, v.*
        from f ${SCOPES} cross join lateral (values
          (received_day, sign, 0, 0, 0, 0, 0, 0, 0::numeric, 0, 0, 0, 0, 0, 0, 0, 0, 0),
          (registered_day, 0, sign, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
          (dispatched_day, 0, 0, sign, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
          (closed_day, 0, 0, 0, sign, sign * on_time, sign * rated, sign * satisfied, sign * handling,
            sign * due, sign * due * reopened, sign * due * extended, 0, 0, 0, 0, 0, 0),
          (due_day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, sign, sign * reopened, sign * extended,
            sign * closed, sign * closed * reopened, sign * closed * extended)
        ) v(day, received, registered, dispatched, closed, closed_on_time, rated, satisfied, handling_seconds,
            closed_due, closed_due_reopened, closed_due_extended, falling_due, falling_due_reopened, falling_due_extended,
            falling_due_closed, falling_due_closed_reopened, falling_due_closed_extended)
        where g.scope_id is not null and v.day is not null
      ),
      by_day as (
        select scope_id, dim, day, key, ${sql.join(COUNTERS.map((c) => sql`sum(${sql.ref(c)}) as ${sql.ref(c)}`))}
        from d group by scope_id, dim, day, key
      ),
      g as (
        select scope_id, dim, 'day' as grain, day, key, ${sql.join(COUNTERS.map((c) => sql.ref(c)))} from by_day
        union all
        select scope_id, dim, 'month', date_trunc('month', day)::date, key, ${sql.join(COUNTERS.map((c) => sql`sum(${sql.ref(c)})`))}
        from by_day group by scope_id, dim, date_trunc('month', day)::date, key
      ),
      counts as (
        insert into case_daily_counts as t (scope_id, dim, grain, day, key, ${sql.join(COUNTERS.map((c) => sql.ref(c)))})
        select * from g
        on conflict (scope_id, dim, grain, day, key) do update set
          ${sql.join(COUNTERS.map((c) => sql`${sql.ref(c)} = ${sql.ref(`t.${c}`)} + ${sql.ref(`excluded.${c}`)}`))}
      ),
      late as (
        insert into case_late_closures as t (scope_id, dim, closed_day, due_day, key, closed, reopened, extended)
        select g.scope_id, g.dim, closed_day, due_day, g.key, sum(sign), sum(sign * reopened), sum(sign * extended)
        from f ${SCOPES} where g.scope_id is not null and closed_day > due_day
        group by g.scope_id, g.dim, closed_day, due_day, g.key
        on conflict (scope_id, dim, closed_day, due_day, key) do update set
          closed = t.closed + excluded.closed, reopened = t.reopened + excluded.reopened, extended = t.extended + excluded.extended
      )
      select count(*)::int as n from q`;
}

/** Folds the whole queue, a batch at a time; answers how many changes it folded. */
export async function foldAll(db: Db): Promise<number> {
  let total = 0;
  for (let n = await foldChanges(db); n > 0; n = await foldChanges(db)) total += n;
  return total;
}

/**
 * Brings the daily counts up to the cases before a read. False when the backlog is too big
 * to fold while someone waits (the scheduled job works through it meanwhile).
 */
export async function catchUp(db: Db, limit = READ_FOLD_LIMIT): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from case_figure_changes limit ${limit + 1}) q`.execute(db);
  if (rows[0].n > limit) return false;
  if (rows[0].n > 0) await foldAll(db);
  return true;
}

/** The Beijing day a Beijing midnight starts, or null if `at` is not one. */
export function beijingDay(at: Date): string | null {
  const shifted = new Date(at.getTime() + 8 * 3600_000);
  return shifted.getUTCHours() === 0 && shifted.getUTCMinutes() === 0 && shifted.getUTCSeconds() === 0 && shifted.getUTCMilliseconds() === 0
    ? shifted.toISOString().slice(0, 10)
    : null;
}

/** Whole Beijing days: the only periods the daily counts can answer. */
export function dailyPeriod(p: Period): { from: string; to: string } | null {
  const [from, to] = [beijingDay(p.from), beijingDay(p.to)];
  return from && to ? { from, to } : null;
}

/**
 * The figures of the cases under the given scopes (cities or districts) over whole days,
 * grouped by one dimension: the same rows as `caseCounts` over the cases.
 */
export async function dailyCounts(db: Db, scopeIds: number[], dim: DailyDimension, days: { from: string; to: string }): Promise<CaseCountRow[]> {
  const { rows } = await dailyCountsQuery(scopeIds, dim, days).execute(db);
  return rows.filter((r) => r.received || r.registered || r.dispatched || r.closed || r.due);
}

/**
 * The SQL of `dailyCounts`, to be run as is (the benchmark runs it straight through pg). Each
 * part is its own index range (the months, the days before and after them, the late closures),
 * read together and summed once: no join, whatever the planner believes of the tables.
 */
export function dailyCountsQuery(scopeIds: number[], dim: DailyDimension, days: { from: string; to: string }) {
  const { months, edges } = monthsAndDays(days);
  const counts = (grain: 'day' | 'month', range: { from: string; to: string }) => sql`
    select key, received, registered, dispatched, closed, closed_on_time, rated, satisfied, handling_seconds,
      closed_due + falling_due - falling_due_closed as due,
      closed_due_reopened + falling_due_reopened - falling_due_closed_reopened as reopened,
      closed_due_extended + falling_due_extended - falling_due_closed_extended as extended
    from case_daily_counts
    where scope_id = any(${scopeIds}::bigint[]) and dim = ${dim} and grain = ${grain} and day >= ${range.from}::date and day < ${range.to}::date`;
  return sql<CaseCountRow>`
    select nullif(key, '') as key, sum(received)::int as received, sum(registered)::int as registered,
      sum(dispatched)::int as dispatched, sum(closed)::int as closed, sum(due)::int as due,
      sum(closed_on_time)::int as "closedOnTime", sum(reopened)::int as reopened, sum(extended)::int as extended,
      sum(rated)::int as rated, sum(satisfied)::int as satisfied,
      case when sum(closed) > 0 then sum(handling_seconds) end as "handlingSeconds"
    from (
      ${counts('month', months)}
      union all ${counts('day', edges[0])}
      union all ${counts('day', edges[1])}
      -- Cases due in the period and closed only after it: still open when it ended, so due in it.
      union all
      select key, 0, 0, 0, 0, 0, 0, 0, 0, closed, reopened, extended
      from case_late_closures
      where scope_id = any(${scopeIds}::bigint[]) and dim = ${dim}
        and closed_day >= ${days.to}::date and due_day >= ${days.from}::date and due_day < ${days.to}::date
    ) r
    group by key`;
}

const dayOf = (iso: string) => new Date(`${iso}T00:00:00Z`);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** A period of days as the whole months inside it and the days before and after them. */
export function monthsAndDays(days: { from: string; to: string }) {
  const from = dayOf(days.from);
  const to = dayOf(days.to);
  const firstMonth = from.getUTCDate() === 1 ? from : new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const endMonth = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), 1));
  if (firstMonth >= endMonth) return { months: { from: days.to, to: days.to }, edges: [days, { from: days.to, to: days.to }] };
  return {
    months: { from: isoDay(firstMonth), to: isoDay(endMonth) },
    edges: [{ from: days.from, to: isoDay(firstMonth) }, { from: isoDay(endMonth), to: days.to }],
  };
}

/**
 * Folds what the last few seconds queued, so a read seldom has to. A backlog (a restore, a
 * migration) is worked through a million changes a run, so the job ends and the slots go on.
 */
export const dailyCountsJob: Job = {
  name: 'cases.daily-counts',
  everySeconds: 5,
  async run({ env }) {
    for (let batches = 0; batches < 50 && (await foldChanges(env.db)) > 0; batches++);
  },
};
