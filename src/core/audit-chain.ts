import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from './db.js';
import type { AuditLogTable } from './db.types.js';
import { canonicalJson } from './canonical-json.js';
import { LOCKS } from './locks.js';

type AuditRow = Selectable<AuditLogTable>;

/** Derives the chain's key from the instance key, so the same bytes never serve two purposes. */
export function auditKey(instanceKey: Buffer): Buffer {
  return crypto.createHmac('sha256', instanceKey).update('shiyu audit chain v1').digest();
}

const GENESIS = '0'.repeat(64);
/**
 * Rows sealed a transaction at a time. Reading and hashing a batch holds the server's one
 * thread (about 10 µs a row), and sealing runs every second beside live requests: batches of
 * 2,000 stalled them for up to 45 ms under load, batches of 250 for up to 17 (README, Benchmarks).
 */
const SEAL_BATCH = 250;
/** Rows checked a round trip at a time: verifying runs from the command line, alone. */
const VERIFY_BATCH = 2000;

/**
 * The hash a row must carry: its own fields and number in the chain, bound to the
 * previous hash. Keyed (HMAC) so that someone who can write to the database but does
 * not hold the instance key cannot recompute a forged chain.
 */
export function rowHash(key: Buffer, row: AuditRow, chainNo: number, prevHash: string): string {
  const body = canonicalJson([
    row.id, row.at, row.actor_id, row.actor_name, row.actor_role, row.action, row.target_type,
    row.target_id, row.scope_path, row.before, row.after, row.ip, row.request_id, chainNo,
  ]);
  return crypto.createHmac('sha256', key).update(prevHash).update('\n').update(body).digest('hex');
}

/**
 * Chains every committed, unsealed row after the last sealed one. Safe to run from
 * several processes at once: an advisory lock lets one seal while the others skip.
 * Returns how many rows it sealed.
 */
export async function sealAudit(db: Db, key: Buffer): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await db.transaction().execute(async (trx) => {
      // Keyed by schema too: advisory locks span the database, and instances (tests among
      // them) may share one database in separate schemas without blocking each other's seal.
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${LOCKS.auditSeal}, hashtext(current_schema())) as locked`.execute(trx);
      if (!rows[0].locked) return 0;
      const last = await trx
        .selectFrom('audit_log').select(['chain_no', 'hash'])
        .where('chain_no', 'is not', null).orderBy('chain_no', 'desc').limit(1)
        .executeTakeFirst();
      const pending = await trx
        .selectFrom('audit_log').selectAll()
        .where('chain_no', 'is', null).orderBy('id').limit(SEAL_BATCH)
        .execute();
      if (pending.length === 0) return 0;
      let chainNo = last?.chain_no ?? 0;
      let prev = last?.hash ?? GENESIS;
      const seals = pending.map((row) => {
        chainNo += 1;
        const hash = rowHash(key, row, chainNo, prev);
        const seal = { id: row.id, chainNo, prev, hash };
        prev = hash;
        return seal;
      });
      await sql`
        update audit_log a set chain_no = s.chain_no, prev_hash = s.prev_hash, hash = s.hash
        from unnest(${seals.map((s) => s.id)}::bigint[], ${seals.map((s) => s.chainNo)}::bigint[],
                    ${seals.map((s) => s.prev)}::text[], ${seals.map((s) => s.hash)}::text[])
             as s(id, chain_no, prev_hash, hash)
        where a.id = s.id`.execute(trx);
      return seals.length;
    });
    total += sealed;
    if (sealed < SEAL_BATCH) return total;
  }
}

/** One thing wrong with the chain, naming the row a person should look at. */
export interface ChainProblem {
  kind: 'edited' | 'inserted' | 'deleted';
  rowId: number | null;
  chainNo: number;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  unsealed: number;
  problems: ChainProblem[];
}

/**
 * Walks the sealed chain in order and recomputes every hash. An edited row no longer
 * matches its own hash; a deleted one leaves a gap in the numbering and a broken link;
 * an inserted one carries a number or link that does not fit its neighbours.
 */
export async function verifyAudit(db: Db, key: Buffer, onProgress?: (checked: number, total: number) => void): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  const { rows: counts } = await sql<{ sealed: number; unsealed: number }>`
    select count(chain_no) as sealed, count(*) - count(chain_no) as unsealed from audit_log`.execute(db);
  const total = counts[0].sealed;
  let expectedNo = 1;
  let prev = GENESIS;
  let checked = 0;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log').selectAll()
      .where('chain_no', '>', after).orderBy('chain_no').limit(VERIFY_BATCH)
      .execute();
    for (const row of rows) {
      const no = row.chain_no!;
      if (no > expectedNo) {
        problems.push({
          kind: 'deleted', rowId: null, chainNo: expectedNo,
          message: `rows ${expectedNo}..${no - 1} of the chain are missing before row id ${row.id}`,
        });
      } else if (no < expectedNo) {
        problems.push({ kind: 'inserted', rowId: row.id, chainNo: no, message: `row id ${row.id} repeats chain number ${no}` });
      }
      if (row.hash !== rowHash(key, row, no, row.prev_hash ?? '')) {
        problems.push({ kind: 'edited', rowId: row.id, chainNo: no, message: `row id ${row.id} (chain ${no}) was changed after it was sealed` });
      } else if (row.prev_hash !== prev) {
        const kind = no > expectedNo ? 'deleted' : 'inserted';
        problems.push({ kind, rowId: row.id, chainNo: no, message: `row id ${row.id} (chain ${no}) does not follow the row before it` });
      }
      prev = row.hash ?? '';
      expectedNo = no + 1;
      after = no;
      checked += 1;
    }
    onProgress?.(checked, total);
    if (rows.length < VERIFY_BATCH) break;
  }
  return { ok: problems.length === 0, checked, unsealed: counts[0].unsealed, problems };
}
