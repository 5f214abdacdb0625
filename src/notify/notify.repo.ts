import { sql, type Insertable, type Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { DB, NotificationsTable } from '../core/db.types.js';
import { escapeLike } from '../core/sql.js';

type Conn = Db | Transaction<DB>;

/** Queues messages; one already queued under the same key is left as it is. */
export async function enqueue(db: Conn, rows: Insertable<NotificationsTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('notifications').values(rows).onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
}

/** The due messages of `channels`, oldest first, that no other run holds: what a claim takes. */
export function dueMessages(channels: string[], limit: number) {
  return sql<{ id: number }>`
    select id from notifications
    where channel = any(${channels}::text[])
      and ((status = 'pending' and next_attempt_at <= now()) or (status = 'sending' and locked_until < now()))
    order by id limit ${limit} for update skip locked`;
}

/**
 * Claims due messages for one sender run: marks them `sending` with a lease, skipping
 * rows another process has claimed, so no message goes out from two places at once.
 * A lease that expires (a sender that died) makes the message due again.
 */
export async function claimDue(db: Conn, channels: string[], limit: number, leaseSeconds: number) {
  const { rows } = await sql<{ id: number; dedupe_key: string; channel: string; address_enc: string | null; subject: string; body: string; attempts: number }>`
    update notifications n set status = 'sending', locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = n.attempts + 1
    where n.id in (${dueMessages(channels, limit)})
    returning n.id, n.dedupe_key, n.channel, n.address_enc, n.subject, n.body, n.attempts`.execute(db);
  return rows;
}

export async function markSent(db: Conn, id: number): Promise<void> {
  await db.updateTable('notifications').set({ status: 'sent', sent_at: new Date(), locked_until: null, last_error: null }).where('id', '=', id).execute();
}

/** Claimed messages a run did not start: due again at once, the claim's attempt not counted. */
export async function handBack(db: Conn, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('notifications')
    .set((eb) => ({ status: 'pending', locked_until: null, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', ids).where('status', '=', 'sending').execute();
}

export async function markFailed(db: Conn, id: number, error: string, retryAt: Date | null): Promise<void> {
  await db.updateTable('notifications')
    .set(retryAt ? { status: 'pending', next_attempt_at: retryAt, locked_until: null, last_error: error } : { status: 'failed', locked_until: null, last_error: error })
    .where('id', '=', id).execute();
}

/** Whom a message was for: staff (a user or a department) or a reporter, whose address stays encrypted. */
export type Audience = 'staff' | 'reporters';

export interface InboxFilter {
  userId: number;
  departmentId: number | null;
  /** The caller's jurisdiction, for what reporters there were told; null for those who see none. */
  pathPrefix: string | null;
  /** Every unit's path under pathPrefix, when they are few (geo.fewUnitPaths). */
  unitPaths?: string[];
  limit: number;
  beforeId?: number;
  audience?: Audience;
  caseId?: number;
}

/**
 * Messages for a user: addressed to them, to their department, or (for those who see a jurisdiction)
 * to reporters there, newest first. Each kind is its own branch, read newest first through its own
 * index and cut to the page before the branches are merged: one walk of the whole outbox would pass
 * over every other area's and person's messages to find a community's few.
 */
export async function inbox(db: Conn, f: InboxFilter) {
  const all = db.selectFrom('notifications').select(['id', 'case_id as caseId', 'channel', 'subject', 'body', 'kind', 'params', 'status', 'created_at as createdAt', 'sent_at as sentAt', 'user_id as userId', 'department_id as departmentId']);
  const branches: (typeof all)[] = [];
  if (f.audience !== 'reporters') {
    branches.push(all.where('user_id', '=', f.userId));
    if (f.departmentId !== null) branches.push(all.where('department_id', '=', f.departmentId));
  }
  if (f.audience !== 'staff' && f.pathPrefix !== null) {
    const toReporters = all.where('user_id', 'is', null).where('department_id', 'is', null);
    if (f.unitPaths) branches.push(...f.unitPaths.map((path) => toReporters.where('path', '=', path)));
    else branches.push(f.pathPrefix === '' ? toReporters : toReporters.where('path', 'like', `${escapeLike(f.pathPrefix)}%`));
  }
  const page = branches.map((q) => {
    if (f.caseId !== undefined) q = q.where('case_id', '=', f.caseId);
    if (f.beforeId) q = q.where('id', '<', f.beforeId);
    return q.orderBy('id', 'desc').limit(f.limit);
  });
  if (page.length === 0) return [];
  if (page.length === 1) return page[0].execute();
  // UNION, not UNION ALL: a message to a user of a department would come through both branches.
  return db.selectFrom(sql<Awaited<ReturnType<typeof all.execute>>[number]>`(${sql.join(page, sql` union `)})`.as('m'))
    .selectAll().orderBy('id', 'desc').limit(f.limit).execute();
}
