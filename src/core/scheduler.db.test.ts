import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, testDatabase } from '../../test/db.js';
import { auditKey } from './audit-chain.js';
import { loadConfig } from './config.js';
import { Cipher } from './crypto.js';
import { openDatabase, type Database } from './db.js';
import type { Env } from './env.js';
import { startScheduler, type Job, type JobContext, type Scheduler, type SchedulerOptions } from './scheduler.js';

let database: Database & { schema: string };
let env: Env;
/** Another process's handle on the same database: its own pool (PostgreSQL) or its own pool over the shared PGlite. */
let other: Database;
let otherEnv: Env;
const running: Scheduler[] = [];

/** A second handle on this file's schema, as a second server process would open it. */
async function secondHandle(schema: string): Promise<Database> {
  if (BACKEND === 'postgres') return openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, schema, poolSize: 4 });
  return openDatabase({ pglite: await globalThis.__shiyuPglite!, schema });
}

beforeAll(async () => {
  database = await testDatabase();
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: path.join(os.tmpdir(), 'shiyu-scheduler-test') });
  const key = crypto.randomBytes(32);
  env = { db: database.db, config, cipher: new Cipher(key), auditKey: auditKey(key) };
  other = await secondHandle(database.schema);
  otherEnv = { ...env, db: other.db };
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await other.close();
  await database.close();
});

async function start(on: Env, jobs: Job[], options: SchedulerOptions = {}): Promise<Scheduler> {
  const scheduler = await startScheduler(on, jobs, { pollMs: 0, ...options });
  running.push(scheduler);
  return scheduler;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `test` holds (a handler has started, say). */
async function until(test: () => boolean): Promise<void> {
  for (let waited = 0; !test(); waited += 5) {
    if (waited > 10_000) throw new Error('timed out waiting');
    await sleep(5);
  }
}
let jobNo = 0;

/** A job counting its runs, optionally slow or failing on chosen runs. */
function countingJob(opts: { everySeconds?: number; ms?: number; failOn?: number[] } = {}) {
  const runs: JobContext[] = [];
  const job: Job = {
    name: `test.job${++jobNo}`,
    everySeconds: opts.everySeconds ?? 3600,
    async run(ctx) {
      runs.push(ctx);
      if (opts.ms) await sleep(opts.ms);
      if (opts.failOn?.includes(runs.length)) throw new Error(`boom on run ${runs.length}`);
    },
  };
  return { job, runs };
}

function jobRow(name: string) {
  return env.db.selectFrom('jobs').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
}

/** Moves a job's next slot into the past, as if its period had passed. */
async function makeDue(name: string): Promise<void> {
  await sql`update jobs set run_at = now() - interval '1 second' where name = ${name}`.execute(env.db);
}

describe('scheduling', () => {
  it('runs a newly registered job at once and schedules its next slot one period on', async () => {
    const { job, runs } = countingJob({ everySeconds: 600 });
    const scheduler = await start(env, [job]);
    expect(await scheduler.tickNow()).toBe(1);
    expect(runs).toHaveLength(1);
    expect(runs[0].attempt).toBe(1);
    const row = await jobRow(job.name);
    expect(row).toMatchObject({ locked_by: null, locked_until: null, attempts: 0, runs: 1, last_error: null, period_seconds: 600 });
    const ahead = row.run_at.getTime() - runs[0].now.getTime();
    expect(ahead).toBeGreaterThan(599_000);
    expect(ahead).toBeLessThanOrEqual(600_000);
    expect(await scheduler.tickNow()).toBe(0);
  });

  it('keeps the schedule in the database: a restarted scheduler does not rerun a job that is not due', async () => {
    const { job, runs } = countingJob();
    const first = await start(env, [job]);
    expect(await first.tickNow()).toBe(1);
    await first.stop();
    const again = await start(env, [job]);
    expect(await again.tickNow()).toBe(0);
    await makeDue(job.name);
    expect(await again.tickNow()).toBe(1);
    expect(runs).toHaveLength(2);
  });

  it('skips the slots missed while nothing ran instead of replaying them', async () => {
    const { job, runs } = countingJob({ everySeconds: 60 });
    const scheduler = await start(env, [job]);
    await sql`update jobs set run_at = now() - interval '10 minutes 30 seconds' where name = ${job.name}`.execute(env.db);
    expect(await scheduler.tickNow()).toBe(1);
    expect(await scheduler.tickNow()).toBe(0);
    const row = await jobRow(job.name);
    const ahead = row.run_at.getTime() - runs[0].now.getTime();
    // On the job's grid of minutes: the slot 30 s from the run.
    expect(ahead).toBeGreaterThan(25_000);
    expect(ahead).toBeLessThanOrEqual(30_000);
  });

  it('takes over a changed period without losing the next slot', async () => {
    const { job } = countingJob({ everySeconds: 3600 });
    const first = await start(env, [job]);
    await first.tickNow();
    await first.stop();
    await start(env, [{ ...job, everySeconds: 60 }]);
    const row = await jobRow(job.name);
    expect(row.period_seconds).toBe(60);
    expect(row.run_at.getTime() - Date.now()).toBeLessThanOrEqual(61_000);
  });

  it('leaves a job it does not know to the processes that do', async () => {
    const a = countingJob();
    const b = countingJob();
    await start(env, [a.job]);
    const onlyB = await start(otherEnv, [b.job]);
    expect(await onlyB.tickNow()).toBe(1);
    expect(a.runs).toHaveLength(0);
    expect(b.runs).toHaveLength(1);
  });
});

describe('two processes on one database', () => {
  it('runs a due job exactly once per period when both tick at the same moment', async () => {
    const { job, runs } = countingJob({ ms: 30 });
    const a = await start(env, [job]);
    const b = await start(otherEnv, [job]);
    let ran = 0;
    for (let i = 0; i < 5; i++) ran += (await Promise.all([a.tickNow(), b.tickNow()])).reduce((x, y) => x + y, 0);
    expect(ran).toBe(1);
    expect(runs).toHaveLength(1);
    await makeDue(job.name);
    for (let i = 0; i < 5; i++) ran += (await Promise.all([b.tickNow(), a.tickNow()])).reduce((x, y) => x + y, 0);
    expect(ran).toBe(2);
    expect((await jobRow(job.name)).runs).toBe(2);
  });

  it('runs it once with both pollers running', async () => {
    const { job, runs } = countingJob({ ms: 20 });
    await start(env, [job], { pollMs: 10 });
    await start(otherEnv, [job], { pollMs: 10 });
    await sleep(600);
    expect(runs).toHaveLength(1);
  });

  it('renews the claim of a long run, so the other process does not take it for a crashed one', async () => {
    const { job, runs } = countingJob({ ms: 2500 });
    const a = await start(env, [job], { leaseMs: 1000 });
    const b = await start(otherEnv, [job], { leaseMs: 1000 });
    const first = a.tickNow();
    await until(() => runs.length === 1);
    // Well past the first claim's lease: only its renewals keep it.
    await sleep(1500);
    expect(await b.tickNow()).toBe(0);
    expect(await first).toBe(1);
    expect(runs).toHaveLength(1);
  });
});

describe('failures', () => {
  it("records a failing handler's error and retries it", async () => {
    const { job, runs } = countingJob({ failOn: [1] });
    const errors: string[] = [];
    const scheduler = await start(env, [job], { retryMs: 0, onError: (name, err) => errors.push(`${name}: ${(err as Error).message}`) });
    expect(await scheduler.tickNow()).toBe(1);
    let row = await jobRow(job.name);
    expect(row).toMatchObject({ locked_by: null, attempts: 1, runs: 0, last_error: 'boom on run 1', last_run_at: null });
    expect(errors).toEqual([`${job.name}: boom on run 1`]);
    expect(await scheduler.tickNow()).toBe(1);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    row = await jobRow(job.name);
    expect(row).toMatchObject({ attempts: 0, runs: 1, last_error: 'boom on run 1' });
    expect(row.last_run_at!.getTime()).toBeGreaterThanOrEqual(row.last_error_at!.getTime());
  });

  it('waits longer after each failure, never beyond the period', async () => {
    const { job } = countingJob({ everySeconds: 150, failOn: [1, 2, 3] });
    const scheduler = await start(env, [job], { retryMs: 60_000 });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await scheduler.tickNow()).toBe(1);
      const row = await jobRow(job.name);
      delays.push(Math.round((row.run_at.getTime() - row.last_error_at!.getTime()) / 1000));
      expect(await scheduler.tickNow()).toBe(0);
      await makeDue(job.name);
    }
    expect(delays).toEqual([60, 120, 150]);
  });

  it('retries a crashed run once its claim expires, and only then', async () => {
    const { job, runs } = countingJob();
    const scheduler = await start(env, [job]);
    // A process claimed the job and died while running it.
    await sql`update jobs set locked_by = 'crashed-process', locked_until = now() + interval '1 minute', attempts = 1 where name = ${job.name}`.execute(env.db);
    expect(await scheduler.tickNow()).toBe(0);
    await sql`update jobs set locked_until = now() - interval '1 second' where name = ${job.name}`.execute(env.db);
    expect(await scheduler.tickNow()).toBe(1);
    expect(runs.map((r) => r.attempt)).toEqual([2]);
    expect(await jobRow(job.name)).toMatchObject({ locked_by: null, attempts: 0, runs: 1 });
  });

  it('lets a running job finish on stop, and runs nothing after', async () => {
    const { job, runs } = countingJob({ ms: 200 });
    const scheduler = await startScheduler(env, [job], { pollMs: 0 });
    const ticking = scheduler.tickNow();
    await until(() => runs.length === 1);
    await scheduler.stop();
    expect(await ticking).toBe(1);
    expect(await jobRow(job.name)).toMatchObject({ locked_by: null, runs: 1 });
    await makeDue(job.name);
    expect(await scheduler.tickNow()).toBe(0);
    expect(runs).toHaveLength(1);
  });
});
