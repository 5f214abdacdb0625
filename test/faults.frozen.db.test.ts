import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase, pingDatabase } from '../src/core/db.js';
import { DatabaseTimeoutError } from '../src/core/postgres-pool.js';
import { BACKEND } from './db.js';
import { acknowledgedCases, healthOf, mixedLoad, until } from './load.js';
import { freshSite, postgresBinaries, privatePostgres, seed, serve, signIn, SLOW, sleep, stop, useProcesses } from './process.js';

// A database that stops answering without going away (its VM paused, its disk stalled, here a
// SIGSTOP to every PostgreSQL process): its port still takes connections, and nothing comes back.
// Without a bound, a request that holds a connection then waits for as long as the freeze lasts.

useProcesses();

const SMALL_CITY = ['--grids-per-community', '1', '--history-cases', '0'];

describe.runIf(BACKEND === 'postgres')('faults: a frozen database', () => {
  it.runIf(postgresBinaries() !== null)('gives up on a statement it does not answer, and never lends that connection again', SLOW, async () => {
    const postgres = await privatePostgres();
    // One connection, so that whoever queries after the freeze gets the one it froze on, unless it was closed.
    const database = await openDatabase({ databaseUrl: postgres.url, poolSize: 1, statementTimeoutMs: 500, connectTimeoutMs: 500 });
    try {
      await sql`create table frozen_writes (n int)`.execute(database.db);
      // PostgreSQL's own bound: a slow statement is cancelled, and the connection stays usable.
      const slow = await sql`select pg_sleep(2)`.execute(database.db).then(() => null, (err: { code?: string }) => err.code);
      expect(slow).toBe('57014');
      expect(await pingDatabase(database.db)).toBe(true);

      // A transaction frozen half-way: given up on within one bound (500 ms and a second's grace);
      // its ROLLBACK cannot be sent, and fails at once rather than waiting a second bound.
      let started = Date.now();
      const failure = await database.db.transaction().execute(async (trx) => {
        await sql`insert into frozen_writes values (1)`.execute(trx);
        postgres.freeze();
        await sql`select 1`.execute(trx);
      }).then(() => null, (err: Error) => err);
      expect(failure).toBeInstanceOf(DatabaseTimeoutError);
      expect(Date.now() - started).toBeLessThan(2_500);

      // Still frozen: a new connection is not answered either, and is given up on.
      started = Date.now();
      expect(await pingDatabase(database.db)).toBe(false);
      expect(Date.now() - started).toBeLessThan(2_500);

      postgres.thaw();
      await until(() => pingDatabase(database.db), 10_000, 'the database did not come back after SIGCONT');
      // The half-done transaction's insert must not be committed by the next one: its connection,
      // still inside that transaction, was closed rather than lent again.
      await database.db.transaction().execute(async (trx) => { await sql`insert into frozen_writes values (2)`.execute(trx); });
      const { rows } = await sql<{ n: number }>`select n from frozen_writes order by n`.execute(database.db);
      expect(rows).toEqual([{ n: 2 }]);
      expect(postgres.log()).not.toContain('there is already a transaction in progress');
    } finally {
      await database.close();
      postgres.destroy();
    }
  });

  it.runIf(postgresBinaries() !== null)('answers 503 with Retry-After within the bound while its database is frozen, and recovers when it thaws', SLOW, async () => {
    const STATEMENT_MS = 1_000;
    // A request may meet the bound twice (an intake waits for the batch before its own) and a connect timeout.
    const ANSWER_BOUND_MS = 6_000;
    // Longer than the bound: a request left waiting on the frozen database shows.
    const FREEZE_MS = 10_000;
    const postgres = await privatePostgres();
    try {
      const site = await seed(await freshSite({ databaseUrl: postgres.url }), SMALL_CITY);
      const server = await serve(site, ['--no-demo'], { DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_MS), DB_CONNECT_TIMEOUT_MS: '1000' });
      const dispatcher = await signIn(server, 'dispatcher');
      const me = (await (await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${dispatcher.token}` } })).json()) as { jurisdiction: { id: number } };

      let finished = false;
      const load = mixedLoad(server.url, dispatcher.token, me.jurisdiction.id, { rate: 30, until: () => finished, timeoutMs: 3 * FREEZE_MS });
      await sleep(1_500);
      const frozeAt = Date.now();
      postgres.freeze();
      await until(async () => (await healthOf(server.url, ANSWER_BOUND_MS)).status === 503, ANSWER_BOUND_MS, 'healthz did not notice the database was frozen');
      expect(await healthOf(server.url, ANSWER_BOUND_MS)).toEqual({ status: 503, body: { status: 'degraded', database: 'unreachable' } });
      await sleep(FREEZE_MS - (Date.now() - frozeAt));
      postgres.thaw();
      const thawedAt = Date.now();
      const recoveredInMs = await until(async () => (await healthOf(server.url, ANSWER_BOUND_MS)).status === 200, 30_000, 'healthz did not recover after the database thawed');
      await sleep(2_000);
      finished = true;
      const exchanges = await load.finished;

      // Every request was answered within the bound, with success or a 503 saying when to retry.
      const slow = exchanges.filter((e) => typeof e.status !== 'number' || e.ms > ANSWER_BOUND_MS);
      const story = slow.length ? `slow ${JSON.stringify(slow.slice(0, 20))}\n${server.output().split('\n').filter((l) => l.includes('failed')).slice(-20).join('\n')}` : '';
      expect(slow, story).toEqual([]);
      expect(exchanges.filter((e) => e.status !== 503 && e.status !== (e.kind === 'intake' ? 201 : 200))).toEqual([]);
      const refused = exchanges.filter((e) => e.status === 503);
      expect(refused.filter((e) => (e.kind === 'health' ? e.code !== 'degraded' : e.code !== 'unavailable' || !(Number(e.retryAfter) > 0)))).toEqual([]);
      expect(new Set(refused.map((e) => e.kind))).toEqual(new Set(['intake', 'list', 'health']));
      // Refusals only while frozen (and as the server found its feet), and everything worked after.
      expect(refused.filter((e) => e.at + e.ms < frozeAt || e.at > thawedAt + recoveredInMs + 1_000)).toEqual([]);
      const settled = exchanges.filter((e) => e.at > thawedAt + recoveredInMs + 1_000);
      expect(settled.length).toBeGreaterThan(10);
      expect(settled.filter((e) => e.status === 503)).toEqual([]);

      // The process lived through it, and what it acknowledged is there.
      expect(server.child.exitCode).toBeNull();
      const { acknowledged, found } = await acknowledgedCases(site, exchanges);
      expect(found).toBe(acknowledged);
      expect(postgres.log()).not.toContain('there is already a transaction in progress');
      expect(await stop(server)).toBe(0);
      console.info(`database frozen ${FREEZE_MS} ms under ${exchanges.length} requests: ${refused.length} answered 503, slowest answer ${Math.max(...exchanges.map((e) => e.ms))} ms, recovered ${recoveredInMs} ms after the thaw`);
    } finally {
      postgres.destroy();
    }
  });
});
