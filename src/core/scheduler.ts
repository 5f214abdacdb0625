import crypto from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import type { Env } from './env.js';

/**
 * A small durable scheduler. The schedule lives in the `jobs` table, one row per recurring
 * job: when it is next due (`run_at`), who is running it (`locked_by`) and until when that
 * claim holds (`locked_until`). Each process only polls: a tick claims a due row in one
 * statement (`for update skip locked`, so two processes never claim the same row), runs the
 * handler, then moves `run_at` to the next slot. A process that dies mid-run leaves its
 * claim to expire and the next tick anywhere runs the job again, so handlers must be
 * idempotent. Times are the database's, so servers with skewed clocks agree.
 */

/** What a handler is told about the run. */
export interface JobContext {
  env: Env;
  /** The database's clock when the run was claimed: handlers decide by this instant. */
  now: Date;
  /** 1 for the first try of a slot, more after failures or a crashed run. */
  attempt: number;
}

/** A recurring job: a name unique across the instance, a period and an idempotent handler. */
export interface Job {
  name: string;
  everySeconds: number;
  run(ctx: JobContext): Promise<void>;
}

export interface SchedulerOptions {
  /** How often this process looks for due jobs; 0 never (tests call tickNow). */
  pollMs?: number;
  /** How long a claim holds without renewal; renewed every third of it while the handler runs. */
  leaseMs?: number;
  /** First retry delay after a failure, doubling on each further failure, never beyond the job's period. */
  retryMs?: number;
  /** Names this process in `locked_by`. */
  owner?: string;
  /** Told about a failed run (the error is also recorded on the job's row). */
  onError?: (job: string, err: unknown) => void;
}

export interface Scheduler {
  /** Runs every job due now, each at most once; answers how many ran (failed runs included). */
  tickNow(): Promise<number>;
  /** Stops polling and waits for a running job to finish. */
  stop(): Promise<void>;
}

const DEFAULTS = { pollMs: 2000, leaseMs: 60_000, retryMs: 5000 };

/**
 * Registers `jobs` in the database (a job new to it is due at once; a changed period is
 * taken over) and starts polling for due ones.
 */
export async function startScheduler(env: Env, jobs: Job[], options: SchedulerOptions = {}): Promise<Scheduler> {
  const { pollMs, leaseMs, retryMs } = { ...DEFAULTS, ...options };
  const owner = options.owner ?? `${os.hostname()}/${process.pid}/${crypto.randomBytes(3).toString('hex')}`;
  const byName = new Map(jobs.map((job) => [job.name, job]));
  if (byName.size !== jobs.length) throw new Error('two scheduled jobs share a name');
  const names = [...byName.keys()];
  const lease = sql`make_interval(secs => ${leaseMs / 1000}::float8)`;

  for (const job of jobs) {
    if (!(Number.isInteger(job.everySeconds) && job.everySeconds > 0)) throw new RangeError(`job ${job.name}: everySeconds must be a positive whole number`);
    await sql`
      insert into jobs (name, period_seconds, run_at) values (${job.name}, ${job.everySeconds}, now())
      on conflict (name) do update set
        period_seconds = excluded.period_seconds,
        run_at = least(jobs.run_at, now() + make_interval(secs => excluded.period_seconds)),
        updated_at = now()`.execute(env.db);
  }

  /** Claims one due job this process knows, not yet run in this tick. */
  async function claim(done: string[]) {
    const { rows } = await sql<{ name: string; attempts: number; now: Date }>`
      with due as (
        select name from jobs
        where name = any(${names}::text[]) and not (name = any(${done}::text[]))
          and run_at <= now() and (locked_until is null or locked_until < now())
        order by run_at
        limit 1
        for update skip locked
      )
      update jobs j set locked_by = ${owner}, locked_until = now() + ${lease}, attempts = j.attempts + 1,
        last_started_at = now(), updated_at = now()
      from due where j.name = due.name
      returning j.name, j.attempts, now() as now`.execute(env.db);
    return rows[0];
  }

  async function runOne(claimed: { name: string; attempts: number; now: Date }): Promise<void> {
    const job = byName.get(claimed.name)!;
    // Renew the claim while the handler runs, so a long run is not taken for a crashed one.
    const heartbeat = setInterval(() => {
      sql`update jobs set locked_until = now() + ${lease} where name = ${job.name} and locked_by = ${owner}`
        .execute(env.db).catch(() => {});
    }, Math.max(10, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    try {
      await job.run({ env, now: new Date(claimed.now), attempt: claimed.attempts });
    } catch (err) {
      options.onError?.(job.name, err);
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
      await sql`
        update jobs set
          run_at = now() + make_interval(secs => least(period_seconds, ${retryMs / 1000}::float8 * power(2, least(attempts - 1, 20)))::float8),
          locked_by = null, locked_until = null, last_error = ${message}, last_error_at = now(), updated_at = now()
        where name = ${job.name} and locked_by = ${owner}`.execute(env.db);
      return;
    } finally {
      clearInterval(heartbeat);
    }
    // The next slot after now, on the job's grid of slots: a late run does not shift the grid,
    // and slots missed while nothing ran are skipped, not replayed. A claim lost meanwhile
    // (`locked_by` is someone else's) is left alone.
    await sql`
      update jobs set
        run_at = run_at + make_interval(secs => (period_seconds * (floor(extract(epoch from now() - run_at) / period_seconds) + 1))::float8),
        locked_by = null, locked_until = null, last_run_at = now(), attempts = 0, runs = runs + 1, updated_at = now()
      where name = ${job.name} and locked_by = ${owner}`.execute(env.db);
  }

  let stopped = false;
  let busy = false;
  let chain: Promise<unknown> = Promise.resolve();

  async function runDue(): Promise<number> {
    const done: string[] = [];
    while (!stopped) {
      const claimed = await claim(done);
      if (!claimed) break;
      done.push(claimed.name);
      await runOne(claimed);
    }
    return done.length;
  }

  /** Ticks one after another in this process, whoever asked for them. */
  function tick(): Promise<number> {
    const next = chain.then(runDue);
    chain = next.catch(() => 0);
    return next;
  }

  const poller = pollMs > 0 ? setInterval(() => {
    if (busy) return;
    busy = true;
    tick().catch((err) => options.onError?.('(poll)', err)).finally(() => { busy = false; });
  }, pollMs) : null;
  poller?.unref();

  return {
    tickNow: tick,
    async stop() {
      stopped = true;
      if (poller) clearInterval(poller);
      await chain;
    },
  };
}
