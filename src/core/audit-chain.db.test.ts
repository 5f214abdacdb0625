import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, BACKEND } from '../../test/db.js';
import type { Database } from './db.js';
import { recordAudit } from './audit.js';
import { auditKey, sealAudit, verifyAudit } from './audit-chain.js';

let database: Database;
const key = auditKey(crypto.randomBytes(32));
const ctx = { actor: null, ip: '127.0.0.1', requestId: 'test' };

beforeAll(async () => { database = await testDatabase(); });
afterAll(async () => { await database.close(); });

/** Runs SQL that the append-only trigger would refuse, as someone with direct database access could. */
async function tamper(statement: ReturnType<typeof sql>): Promise<void> {
  const db = database.db;
  await db.connection().execute(async (conn) => {
    await sql`alter table audit_log disable trigger user`.execute(conn);
    try {
      await statement.execute(conn);
    } finally {
      await sql`alter table audit_log enable trigger user`.execute(conn);
    }
  });
}

async function writeRows(n: number, tag: string): Promise<void> {
  await recordAudit(database.db, ctx, Array.from({ length: n }, (_, i) => ({
    action: 'test.write', targetType: 'thing', targetId: `${tag}-${i}`, scopePath: '/1/', before: { n: i }, after: { n: i + 1, note: '网格 "quoted"' },
  })));
}

describe('audit chain', () => {
  it('seals rows in order and verifies an untouched chain', async () => {
    await writeRows(25, 'a');
    expect(await sealAudit(database.db, key)).toBe(25);
    expect(await sealAudit(database.db, key)).toBe(0);
    await writeRows(5, 'b');
    expect(await sealAudit(database.db, key)).toBe(5);
    const report = await verifyAudit(database.db, key);
    expect(report).toMatchObject({ ok: true, checked: 30, unsealed: 0, problems: [] });
  });

  it('refuses updates, deletes and truncation through the append-only trigger', async () => {
    await expect(sql`update audit_log set action = 'x' where chain_no = 1`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where chain_no = 1`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('lets sealing write only the chain columns of an unsealed row, and only once', async () => {
    await recordAudit(database.db, ctx, { action: 'test.unsealed', targetType: 'thing', targetId: 'u', scopePath: '/1/', before: { n: 1 }, after: { n: 2 } });
    const { id } = await database.db.selectFrom('audit_log').select('id').where('action', '=', 'test.unsealed').executeTakeFirstOrThrow();
    const { rows: columns } = await sql<{ name: string; type: string }>`
      select column_name as name, data_type as type from information_schema.columns
      where table_schema = current_schema() and table_name = 'audit_log' order by ordinal_position`.execute(database.db);
    const chain = ['chain_no', 'prev_hash', 'hash'];
    // Every other column, present and future: a new one the trigger does not compare fails here.
    const others = columns.filter((c) => !chain.includes(c.name));
    expect(others.length).toBeGreaterThanOrEqual(13);
    for (const c of others) {
      const changed = c.type === 'jsonb' ? sql`'{"n": 9}'::jsonb`
        : c.type.startsWith('timestamp') ? sql`${sql.ref(c.name)} + interval '1 second'`
        : c.type === 'bigint' || c.type === 'integer' ? sql`coalesce(${sql.ref(c.name)}, 0) + 1000000`
        : sql`coalesce(${sql.ref(c.name)}, '') || 'x'`;
      // The id is an identity column, which PostgreSQL itself keeps from being set.
      await expect(sql`update audit_log set ${sql.ref(c.name)} = ${changed} where id = ${id}`.execute(database.db), c.name).rejects.toThrow(c.name === 'id' ? /DEFAULT/ : /append-only/);
    }
    await sql`update audit_log set chain_no = -1, prev_hash = 'p', hash = 'h' where id = ${id}`.execute(database.db);
    await expect(sql`update audit_log set hash = 'h2' where id = ${id}`.execute(database.db)).rejects.toThrow(/append-only/);
    await tamper(sql`delete from audit_log where id = ${id}`);
  });

  it('does not verify with another key', async () => {
    const report = await verifyAudit(database.db, auditKey(crypto.randomBytes(32)));
    expect(report.ok).toBe(false);
  });

  it('names an edited row', async () => {
    const target = await database.db.selectFrom('audit_log').select('id').where('chain_no', '=', 7).executeTakeFirstOrThrow();
    await tamper(sql`update audit_log set after = '{"n": 999}' where id = ${target.id}`);
    const report = await verifyAudit(database.db, key);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'edited', rowId: target.id, chainNo: 7 })]);
    await tamper(sql`update audit_log set after = '{"n": 7, "note": "网格 \\"quoted\\""}'::jsonb where id = ${target.id}`);
    expect((await verifyAudit(database.db, key)).ok).toBe(true);
  });

  it('names a deleted row by the gap it leaves', async () => {
    const target = await database.db.selectFrom('audit_log').select('id').where('chain_no', '=', 12).executeTakeFirstOrThrow();
    await tamper(sql`delete from audit_log where id = ${target.id}`);
    const report = await verifyAudit(database.db, key);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'deleted', chainNo: 12 });
    expect(report.problems[0].message).toMatch(/12/);
  });

  it('names an inserted row', async () => {
    const fresh = await testDatabase();
    try {
      await recordAudit(fresh.db, ctx, Array.from({ length: 5 }, (_, i) => ({ action: 'test.write', targetType: 'thing', targetId: String(i) })));
      await sealAudit(fresh.db, key);
      // Make room after chain number 3 and slip in a row copied from number 3.
      await fresh.db.connection().execute(async (conn) => {
        await sql`alter table audit_log disable trigger user`.execute(conn);
        await sql`update audit_log set chain_no = chain_no + 100 where chain_no > 3`.execute(conn);
        await sql`update audit_log set chain_no = chain_no - 99 where chain_no > 100`.execute(conn);
        await sql`insert into audit_log (actor_name, action, target_type, target_id, chain_no, prev_hash, hash)
                  select actor_name, 'forged', target_type, 'x', 4, hash, hash from audit_log where chain_no = 3`.execute(conn);
        await sql`alter table audit_log enable trigger user`.execute(conn);
      });
      const inserted = await fresh.db.selectFrom('audit_log').select('id').where('action', '=', 'forged').executeTakeFirstOrThrow();
      const report = await verifyAudit(fresh.db, key);
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatchObject({ rowId: inserted.id, chainNo: 4 });
    } finally {
      await fresh.close();
    }
  });

  it('seals once when two sealers run at the same time', async () => {
    const fresh = await testDatabase();
    try {
      await recordAudit(fresh.db, ctx, Array.from({ length: 3000 }, (_, i) => ({ action: 'test.write', targetType: 'thing', targetId: String(i) })));
      const [a, b] = await Promise.all([sealAudit(fresh.db, key), sealAudit(fresh.db, key)]);
      // On PGlite the two simply take turns; on PostgreSQL one may skip while the other holds the lock.
      expect(a + b + (await sealAudit(fresh.db, key))).toBe(3000);
      const report = await verifyAudit(fresh.db, key);
      expect(report).toMatchObject({ ok: true, checked: 3000 });
      const { rows } = await sql<{ n: number }>`select count(distinct chain_no) as n from audit_log`.execute(fresh.db);
      expect(rows[0].n).toBe(3000);
    } finally {
      await fresh.close();
    }
  });

  it(`runs on ${BACKEND}`, () => expect(['pglite', 'postgres']).toContain(BACKEND));
});
