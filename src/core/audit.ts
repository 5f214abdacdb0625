import type { Transaction } from 'kysely';
import type { DB } from './db.types.js';
import type { Db } from './db.js';
import type { RequestContext } from './access.js';

/** One change worth remembering: who did what to which record, before and after. */
export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | number | null;
  /** Path of the admin unit the record belongs to, so auditors see only their jurisdiction. */
  scopePath?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends entries inside the caller's transaction, so a change and its audit row
 * commit or vanish together. The sealer chains them shortly after (audit-chain.ts).
 */
export async function recordAudit(trx: Transaction<DB> | Db, ctx: RequestContext, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const rows = auditRows((Array.isArray(entries) ? entries : [entries]).map((entry) => ({ ctx, entry })));
  // Bounded batches keep a bulk import under PostgreSQL's parameter limit.
  for (let i = 0; i < rows.length; i += 1000) {
    await trx.insertInto('audit_log').values(rows.slice(i, i + 1000)).execute();
  }
}

/** Audit rows as written, for callers that write them in their own statement (a batch of intakes). */
export function auditRows(items: { ctx: RequestContext; entry: AuditEntry }[]) {
  return items.map(({ ctx, entry: e }) => ({
    actor_id: ctx.actor?.id ?? null,
    actor_name: ctx.actor?.username ?? ctx.via ?? 'system',
    actor_role: ctx.actor?.role ?? null,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId == null ? null : String(e.targetId),
    scope_path: e.scopePath ?? null,
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
    ip: ctx.ip ?? null,
    request_id: ctx.requestId ?? null,
  }));
}
