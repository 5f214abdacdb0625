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
 * A case as the export reads it, times in milliseconds since 1970; the last field is its cursor.
 * Nothing personal: no reporter, and no description, which reporters fill with names and numbers.
 */
export type ExportCase = [
  id: number, ticketNo: string, createdMs: number, channel: string, requestType: string, categoryCode: string | null,
  triage: string | null, status: string, urgency: string, path: string, gridId: number | null, address: string | null,
  departmentId: number | null, dueMs: number | null, closedMs: number | null, satisfaction: number | null, cursorAt: string,
];

/**
 * The next batch of an export: the matching cases after `cursor` in list order. Each batch is its own
 * short query, so an export of a million cases holds no transaction open and, on the embedded
 * database, lets other requests in between. The batch comes back as one JSON text rather than
 * thousands of rows: the server parses it in one go and drops it as soon as it is written, so memory
 * stays flat however long the file (rows arriving one by one would outlive the young generation
 * and pile up in the old).
 */
export function exportBatchQuery(db: Conn, f: CaseFilter, cursor: ExportCursor | null, limit: number) {
  const batch = newestFirst(db, f, (q) => {
    if (cursor) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(sql<Date>`${cursor.createdAt}::timestamptz`, cursor.id)));
    return q.select([
      'id', 'ticket_no', 'created_at', 'channel', 'request_type', 'category_code', 'triage', 'status', 'urgency', 'path', 'grid_id',
      'address', 'department_id', 'due_at', 'closed_at', 'satisfaction',
    ]);
  }, limit);
  const ms = (column: string) => sql`(extract(epoch from ${sql.ref(`b.${column}`)}) * 1000)::bigint`;
  const fields = [
    sql.ref('b.id'), sql.ref('b.ticket_no'), ms('created_at'), sql.ref('b.channel'), sql.ref('b.request_type'), sql.ref('b.category_code'),
    sql.ref('b.triage'), sql.ref('b.status'), sql.ref('b.urgency'), sql.ref('b.path'), sql.ref('b.grid_id'), sql.ref('b.address'),
    sql.ref('b.department_id'), ms('due_at'), ms('closed_at'), sql.ref('b.satisfaction'), sql`${sql.ref('b.created_at')}::text`,
  ];
  return db.selectFrom(sql<object>`${batch}`.as('b')).select(
    sql<string | null>`json_agg(json_build_array(${sql.join(fields)}) order by ${sql.ref('b.created_at')} desc, ${sql.ref('b.id')} desc)::text`.as('cases'),
  );
}

export async function exportBatch(db: Conn, f: CaseFilter, cursor: ExportCursor | null, limit: number): Promise<ExportCase[]> {
  const { cases } = await exportBatchQuery(db, f, cursor, limit).executeTakeFirstOrThrow();
  return cases === null ? [] : (JSON.parse(cases) as ExportCase[]);
}
