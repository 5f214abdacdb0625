import { sql, type Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { DB } from '../core/db.types.js';
import { newestFirst, type CaseFilter } from './cases.list.repo.js';

type Conn = Db | Transaction<DB>;

/** Where an export batch ended: the last case's intake time exactly as the database keeps it (microseconds), and its id. */
export interface ExportCursor {
  createdAt: string;
  id: number;
}

/**
 * A case as the export reads it: times in milliseconds since 1970, names looked up, and last its
 * cursor. Nothing personal: no reporter, and no description, which reporters fill with names and numbers.
 */
export type ExportCase = [
  id: number, ticketNo: string, createdMs: number, channel: string, requestType: string, categoryCode: string | null,
  categoryName: string | null, triage: string | null, status: string, urgency: string, district: string | null,
  township: string | null, community: string | null, gridCode: string | null, address: string | null, leadDepartment: string | null,
  dueMs: number | null, closedMs: number | null, satisfaction: number | null, cursorAt: string,
];

/**
 * The next batch of an export: the matching cases after `cursor` in list order, as one text of
 * ExportCase JSON arrays, a line each (null when none are left). Each batch is its own short query, so an export of a
 * million cases holds no transaction open and, on the embedded database, lets other requests in
 * between. One text rather than a row object per case: the server turns it into CSV a few lines at a
 * time and lets go of each at once, where rows arriving one by one would outlive V8's young
 * generation and pile up in the old, growing the server with the length of the file.
 */
export function exportBatchQuery(db: Conn, f: CaseFilter, cursor: ExportCursor | null, limit: number) {
  const batch = newestFirst(db, f, (q) => {
    if (cursor) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(sql<Date>`${cursor.createdAt}::timestamptz`, cursor.id)));
    return q.select([
      'id', 'ticket_no', 'created_at', 'channel', 'request_type', 'category_code', 'triage', 'status', 'urgency', 'path', 'grid_id',
      'address', 'department_id', 'due_at', 'closed_at', 'satisfaction',
    ]);
  }, limit);
  const b = (column: string) => sql.ref(`b.${column}`);
  const ms = (column: string) => sql`(extract(epoch from ${b(column)}) * 1000)::bigint`;
  // Names are looked up for the batch's cases only, after the limit: a thousand index probes.
  const unit = (level: number) => sql`(select u.name from admin_units u where u.id = nullif(split_part(${b('path')}, '/', ${sql.lit(level + 1)}), '')::bigint)`;
  const fields = [
    b('id'), b('ticket_no'), ms('created_at'), b('channel'), b('request_type'), b('category_code'),
    sql`(select k.name from case_categories k where k.code = ${b('category_code')})`, b('triage'), b('status'), b('urgency'),
    // The path is /city/district/township/community/; a case placed at a township has no community.
    unit(2), unit(3), unit(4), sql`(select g.code from grids g where g.id = ${b('grid_id')})`, b('address'),
    sql`(select d.name from departments d where d.id = ${b('department_id')})`,
    ms('due_at'), ms('closed_at'), b('satisfaction'), sql`${b('created_at')}::text`,
  ];
  return db.selectFrom(sql<object>`${batch}`.as('b')).select(
    sql<string | null>`string_agg(json_build_array(${sql.join(fields)})::text, chr(10) order by ${b('created_at')} desc, ${b('id')} desc)`.as('cases'),
  );
}

export async function exportBatch(db: Conn, f: CaseFilter, cursor: ExportCursor | null, limit: number): Promise<string | null> {
  return (await exportBatchQuery(db, f, cursor, limit).executeTakeFirstOrThrow()).cases;
}
