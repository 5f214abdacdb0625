import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openDatabase, pingDatabase } from '../src/core/db.js';
import { BACKEND } from './db.js';
import {
  diskUsage, fillDisk, freshSchema, freshSite, openSiteDb, postgresBinaries, privatePostgres, seed, seededSite, serve, signIn, SLOW, sleep,
  stop, testDatabaseUrl, tmpfs, useProcesses, withDeadline, type Server, type Site, type SiteDb,
} from './process.js';
import { acknowledgedCases, healthOf as health, intakeBody, mixedLoad, openLoop, postIntake, until, type Exchange } from './load.js';

// Faults a city's server meets in service: the process killed under load, the database
// restarting under it, the disk filling up. Each runs the real `shiyu serve`.
// SHIYU_LONG_TESTS=1 runs the load longer and faster.

useProcesses();

const LONG = process.env.SHIYU_LONG_TESTS === '1';
const SMALL_CITY = ['--grids-per-community', '1', '--history-cases', '0'];
const IS_ROOT = process.getuid?.() === 0;

interface IntakeOutcome {
  key: string;
  withPhone: boolean;
  /** 201 received: the server promised the case. */
  acknowledged?: { id: number; ticketNo: string };
  /** Anything else: a status, or the connection failing. */
  unacknowledged?: string;
}

/**
 * Sends intakes at a steady rate (open loop: a slow answer does not slow the sender)
 * until `until` says stop; each request has its own Idempotency-Key.
 */
function intakeLoad(url: string, token: string, adminUnitId: number, options: { rate: number; prefix: string; until: () => boolean }) {
  const outcomes: IntakeOutcome[] = [];
  const pending: Promise<void>[] = [];
  let sent = 0;
  const send = () => {
    const i = sent++;
    const outcome: IntakeOutcome = { key: `${options.prefix}-${i}`, withPhone: i % 2 === 0 };
    outcomes.push(outcome);
    pending.push(postIntake(url, token, outcome.key, intakeBody(i, adminUnitId)).then(async (res) => {
      const body = (await res.json()) as { id: number; ticketNo: string };
      if (res.status === 201) outcome.acknowledged = { id: body.id, ticketNo: body.ticketNo };
      else outcome.unacknowledged = `${res.status} ${JSON.stringify(body)}`;
    }, (err: Error) => {
      outcome.unacknowledged = `failed: ${err.message}`;
    }));
  };
  const done = openLoop(options, () => send());
  return {
    outcomes,
    /** Sends `n` more at once, on top of the steady rate: a crash then surely catches some mid-way. */
    burst: (n: number) => { for (let k = 0; k < n; k++) send(); },
    finished: done.then(() => Promise.all(pending)).then(() => outcomes),
  };
}

/** A case taken in under a key, with counts of what must have been written with it. */
interface IntakeRow { key: string; id: number; ticket_no: string; has_phone: boolean; receives: number; audits: number; texts: number }

/** Each case taken in under these keys, by key (without the caller's id the server puts before it). */
async function intakesByKey(db: SiteDb, actorId: number, prefix: string): Promise<Map<string, IntakeRow[]>> {
  const rows = await db.query<IntakeRow>(`
    select c.intake_key as key, c.id::int as id, c.ticket_no, c.reporter_phone_enc is not null as has_phone,
      (select count(*)::int from case_events e where e.case_id = c.id and e.action = 'receive') as receives,
      (select count(*)::int from audit_log a where a.target_type = 'case' and a.target_id = c.id::text and a.action = 'case.create') as audits,
      (select count(*)::int from notifications n where n.case_id = c.id and n.channel = 'sms') as texts
    from cases c where c.intake_key like $1`, [`${actorId}:${prefix}-%`]);
  const byKey = new Map<string, IntakeRow[]>();
  for (const row of rows) {
    const key = row.key.slice(String(actorId).length + 1);
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  return byKey;
}

/** What is wrong with one intake's rows: none, or the problems found. */
function intakeProblems(outcome: IntakeOutcome, rows: IntakeRow[] | undefined): string[] {
  const problems: string[] = [];
  if (outcome.acknowledged && rows?.length !== 1) problems.push(`acknowledged ${outcome.key} has ${rows?.length ?? 0} cases`);
  if (rows && rows.length > 1) problems.push(`${outcome.key} has ${rows.length} cases`);
  for (const row of rows ?? []) {
    if (outcome.acknowledged && (row.id !== outcome.acknowledged.id || row.ticket_no !== outcome.acknowledged.ticketNo)) {
      problems.push(`${outcome.key} answered ${JSON.stringify(outcome.acknowledged)} but holds case ${row.id} ${row.ticket_no}`);
    }
    const complete = row.receives === 1 && row.audits === 1 && row.has_phone === outcome.withPhone && row.texts === (outcome.withPhone ? 1 : 0);
    if (!complete) problems.push(`${outcome.key} is incomplete: ${JSON.stringify(row)}`);
  }
  return problems;
}

// PGlite cannot keep up with this load (one connection), and kill -9 on it is covered by
// test/server.db.test.ts; the long mode runs it there too, at a rate it can take.
const killUnderLoad = BACKEND === 'postgres' || LONG ? it : it.skip;
const killTitle = BACKEND === 'postgres' || LONG
  ? 'keeps every acknowledged intake exactly once through a kill -9 under load; a retry of the rest makes one case each'
  : 'keeps every acknowledged intake through a kill -9 under load (PGlite: only with SHIYU_LONG_TESTS=1; kill -9 is covered by server.db.test.ts)';

describe(`faults (${BACKEND})`, () => {
  killUnderLoad(killTitle, SLOW, async () => {
    const site = await seededSite(SMALL_CITY);
    const first = await serve(site, []);
    const dispatcher = await signIn(first, 'dispatcher');
    const me = (await (await fetch(`${first.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${dispatcher.token}` } })).json()) as { jurisdiction: { id: number } };
    const city = me.jurisdiction.id;
    const prefix = `kill-${crypto.randomBytes(4).toString('hex')}`;

    let killed = false;
    const rate = BACKEND === 'pglite' ? 50 : LONG ? 300 : 150;
    const target = BACKEND === 'pglite' ? 300 : LONG ? 3000 : 400;
    const load = intakeLoad(first.url, dispatcher.token, city, { rate, prefix, until: () => killed });
    await withDeadline(new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (load.outcomes.filter((o) => o.acknowledged).length >= target) { clearInterval(poll); resolve(); }
      }, 5);
    }), 60_000, 'the intakes were too slow');
    load.burst(40);
    await sleep(5 + Math.random() * 20);
    first.child.kill('SIGKILL');
    killed = true;
    await first.exited;
    const outcomes = await load.finished;
    const acknowledged = outcomes.filter((o) => o.acknowledged);
    const unacknowledged = outcomes.filter((o) => !o.acknowledged);
    // Before the kill nothing was refused: the only unacknowledged intakes are those it cut off.
    expect(unacknowledged.filter((o) => !o.unacknowledged!.startsWith('failed')).map((o) => o.unacknowledged)).toEqual([]);
    expect(unacknowledged.length).toBeGreaterThan(0);

    // What the database holds after the crash, before anything is retried.
    const db = await openSiteDb(site);
    let byKey;
    try {
      byKey = await intakesByKey(db, dispatcher.userId, prefix);
    } finally {
      await db.close();
    }
    expect(outcomes.flatMap((o) => intakeProblems(o, byKey.get(o.key)))).toEqual([]);
    const committedUnanswered = unacknowledged.filter((o) => byKey.has(o.key)).length;

    // The caller retries what went unanswered, with the same keys, on the restarted server.
    const second = await serve(site, []);
    const again = await signIn(second, 'dispatcher');
    const retried = await Promise.all(unacknowledged.map(async (o) => {
      const res = await postIntake(second.url, again.token, o.key, intakeBody(Number(o.key.split('-').at(-1)), city));
      const body = (await res.json()) as { id: number; ticketNo: string };
      expect(res.status).toBe(201);
      const before = byKey.get(o.key)?.[0];
      // A retry of an intake that did commit answers that case, not a second one.
      if (before) expect({ id: body.id, ticketNo: body.ticketNo }).toEqual({ id: before.id, ticketNo: before.ticket_no });
      return { ...o, acknowledged: { id: body.id, ticketNo: body.ticketNo } };
    }));
    expect(await stop(second)).toBe(0);

    const after = await openSiteDb(site);
    try {
      const finalByKey = await intakesByKey(after, dispatcher.userId, prefix);
      expect([...acknowledged, ...retried].flatMap((o) => intakeProblems(o, finalByKey.get(o.key)))).toEqual([]);
      expect(finalByKey.size).toBe(outcomes.length);
    } finally {
      await after.close();
    }
    console.info(`kill -9 under ${rate}/s intake: ${acknowledged.length} acknowledged, ${unacknowledged.length} cut off (${committedUnanswered} of them committed), all retried to one case each`);
  });
});

/**
 * No single request may take longer than this, whatever the database is doing: a request waits
 * at most DB_CONNECT_TIMEOUT_MS (5 s) for a database connection before it is answered 503.
 */
const ANSWER_BOUND_MS = 10_000;

const healthOf = (url: string) => health(url, ANSWER_BOUND_MS);

describe.runIf(BACKEND === 'postgres')('faults: PostgreSQL restarting under the server', () => {
  it.runIf(postgresBinaries() !== null)('survives a connection dying while it is checked out, and reconnects', SLOW, async () => {
    const postgres = await privatePostgres();
    const database = await openDatabase({ databaseUrl: postgres.url, poolSize: 2 });
    try {
      // Inside a transaction the client stays checked out between queries, where the pool no longer
      // listens for its errors: a lost connection there used to kill the whole process.
      const failure = await database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        postgres.stop('immediate');
        await sleep(300);
        await sql`select 1`.execute(trx);
      }).then(() => null, (err: Error) => err.message);
      expect(failure).toMatch(/is not queryable|Connection terminated/);
      postgres.start();
      expect(await pingDatabase(database.db)).toBe(true);
    } finally {
      await database.close();
      postgres.destroy();
    }
  });

  it.runIf(postgresBinaries() !== null)('answers 503 with Retry-After while its database is down, never hangs, and works again after', SLOW, async () => {
    const postgres = await privatePostgres();
    try {
      const site = await seed(await freshSite({ databaseUrl: postgres.url }), SMALL_CITY);
      const server = await serve(site, []);
      const dispatcher = await signIn(server, 'dispatcher');
      const me = (await (await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${dispatcher.token}` } })).json()) as { jurisdiction: { id: number } };

      let finished = false;
      const load = mixedLoad(server.url, dispatcher.token, me.jurisdiction.id, { rate: 60, until: () => finished, timeoutMs: ANSWER_BOUND_MS * 2 });
      const outages: Array<{ from: number; to: number; recoveredInMs: number }> = [];
      for (let cycle = 0; cycle < (LONG ? 6 : 2); cycle++) {
        await sleep(1500);
        const from = Date.now();
        postgres.stop('immediate');
        // The database is gone: health says so, and a request is refused at once with a time to come back.
        await until(async () => (await healthOf(server.url)).status === 503, 2 * ANSWER_BOUND_MS, 'healthz did not notice the database was down');
        expect(await healthOf(server.url)).toEqual({ status: 503, body: { status: 'degraded', database: 'unreachable' } });
        await sleep(2000);
        postgres.start();
        const to = Date.now();
        const recoveredInMs = await until(async () => (await healthOf(server.url)).status === 200, 30_000, 'healthz did not recover after the database came back');
        outages.push({ from, to, recoveredInMs });
      }
      await sleep(1500);
      finished = true;
      const exchanges = await load.finished;

      // Every request was answered, within the bound, with success or a 503 saying when to retry.
      const slow = exchanges.filter((e) => typeof e.status !== 'number' || e.ms > ANSWER_BOUND_MS);
      // When it fails, what the server and the database said meanwhile.
      const story = slow.length ? `outages ${JSON.stringify(outages)}, slow ${JSON.stringify(slow)}\n${server.output().split('\n').filter((l) => l.includes('request failed')).slice(-30).join('\n')}\n${postgres.log()}` : '';
      expect(slow, story).toEqual([]);
      const refused = exchanges.filter((e) => e.status === 503);
      expect(exchanges.filter((e) => e.status !== 503 && e.status !== (e.kind === 'intake' ? 201 : 200))).toEqual([]);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.filter((e) => (e.kind === 'health' ? e.code !== 'degraded' : e.code !== 'unavailable' || !(Number(e.retryAfter) > 0)))).toEqual([]);
      expect(new Set(refused.map((e) => e.kind))).toEqual(new Set(['intake', 'list', 'health']));
      // Refusals happen only around the outages, and between them everything worked.
      const around = (e: Exchange) => outages.some((o) => e.at + e.ms >= o.from - 100 && e.at <= o.to + o.recoveredInMs + 1000);
      expect(refused.filter((e) => !around(e))).toEqual([]);
      const afterLast = outages.at(-1)!;
      const settled = exchanges.filter((e) => e.at > afterLast.to + afterLast.recoveredInMs + 1000);
      expect(settled.length).toBeGreaterThan(10);
      expect(settled.filter((e) => e.status === 503)).toEqual([]);

      // The process lived through it, and what it acknowledged is there.
      expect(server.child.exitCode).toBeNull();
      const { acknowledged, found } = await acknowledgedCases(site, exchanges);
      expect(found).toBe(acknowledged);
      expect(await stop(server)).toBe(0);
      console.info(`database restarted ${outages.length} times under ${exchanges.length} requests: ${refused.length} answered 503, recovered in ${outages.map((o) => o.recoveredInMs).join(' and ')} ms, slowest answer ${Math.max(...exchanges.map((e) => e.ms))} ms`);
    } finally {
      postgres.destroy();
    }
  });
});

/** A PNG of random pixels (so it does not compress), `side` pixels square. */
function noisePng(side: number): Promise<Buffer> {
  return sharp(crypto.randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
}

function uploadPhoto(url: string, token: string, caseId: number, png: Buffer): Promise<Response> {
  const form = new FormData();
  form.append('photo', new Blob([png], { type: 'image/png' }), 'photo.png');
  return fetch(`${url}/api/v1/cases/${caseId}/photos`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
}

/** Every file under a directory, relative to it. */
function filesUnder(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name))) : [];
}

const fullDiskTitle = IS_ROOT
  ? `refuses writes with 507 storage_full when the disk under DATA_DIR is full (photos${BACKEND === 'pglite' ? ' and the embedded database' : ''}), keeps what it had and serves reads`
  : 'refuses writes with 507 storage_full on a full disk (skipped: mounting a small tmpfs needs root)';

describe(`faults: a full disk (${BACKEND})`, () => {
  it.runIf(IS_ROOT)(fullDiskTitle, SLOW, async () => {
    // On PostgreSQL only the photos (and the key file) live under DATA_DIR; PGlite keeps the whole database there.
    let disk: ReturnType<typeof tmpfs> | undefined;
    let server: Server | undefined;
    try {
      let site: Site;
      if (BACKEND === 'postgres') {
        disk = tmpfs('full', 2 * 1024 * 1024);
        site = await seed({ dataDir: disk.dir, databaseUrl: await freshSchema(testDatabaseUrl()) }, SMALL_CITY);
      } else {
        const seeded = await seededSite(SMALL_CITY);
        disk = tmpfs('full', diskUsage(seeded.dataDir) + 24 * 1024 * 1024);
        fs.cpSync(seeded.dataDir, disk.dir, { recursive: true });
        site = { dataDir: disk.dir };
      }
      server = await serve(site, []);
      const dispatcher = await signIn(server, 'dispatcher');
      const auth = { authorization: `Bearer ${dispatcher.token}` };
      const me = (await (await fetch(`${server.url}/api/v1/auth/me`, { headers: auth })).json()) as { jurisdiction: { id: number } };
      const intake = (i: number) => postIntake(server!.url, dispatcher.token, `disk-${i}`, intakeBody(i, me.jurisdiction.id));

      const before = await intake(0);
      expect(before.status).toBe(201);
      const kept = (await before.json()) as { id: number; ticketNo: string };
      const keptPhoto = await noisePng(48);
      const stored = await uploadPhoto(server.url, dispatcher.token, kept.id, keptPhoto);
      expect(stored.status).toBe(201);
      const keptPhotoId = ((await stored.json()) as { id: number }).id;

      const filler = fillDisk(disk.dir);
      const photosBefore = filesUnder(path.join(disk.dir, 'photos'));

      // A photo does not fit: a clear 507 naming the disk, and no half-written file left behind.
      const refused = await uploadPhoto(server.url, dispatcher.token, kept.id, await noisePng(160));
      expect(refused.status).toBe(507);
      const refusal = (await refused.json()) as { error: { code: string; message: string } };
      expect(refusal.error.code).toBe('storage_full');
      expect(refusal.error.message).toMatch(/disk holding the case photos .* is full/);
      expect(filesUnder(path.join(disk.dir, 'photos'))).toEqual(photosBefore);

      // Cases: PostgreSQL has a disk of its own and goes on taking them in; the embedded database
      // refuses once it must grow a file, and never with a 500.
      const intakes: number[] = [];
      let lastAnswer: unknown;
      for (let i = 1; i <= (BACKEND === 'postgres' ? 20 : 400) && !intakes.includes(507); i++) {
        const res = await intake(i);
        intakes.push(res.status);
        lastAnswer = await res.json();
      }
      if (BACKEND === 'postgres') expect(new Set(intakes)).toEqual(new Set([201]));
      else {
        expect(intakes.at(-1)).toBe(507);
        expect(lastAnswer).toEqual({ error: { code: 'storage_full', message: expect.stringMatching(/disk holding the database is full/) } });
        expect(new Set(intakes.slice(0, -1))).toEqual(new Set(intakes.length > 1 ? [201] : []));
        console.info(`the embedded database took ${intakes.length - 1} more cases on the full disk, then answered 507`);
      }

      // Reads go on: the case, its photo as stored, the list and health.
      const c = await fetch(`${server.url}/api/v1/cases/${kept.id}`, { headers: auth });
      expect(c.status).toBe(200);
      expect(((await c.json()) as { ticketNo: string }).ticketNo).toBe(kept.ticketNo);
      const photo = await fetch(`${server.url}/api/v1/cases/${kept.id}/photos/${keptPhotoId}`, { headers: auth });
      expect(photo.status).toBe(200);
      expect(Buffer.from(await photo.arrayBuffer()).equals(keptPhoto)).toBe(true);
      expect((await fetch(`${server.url}/api/v1/cases/${kept.id}/photos/${keptPhotoId}?size=thumb`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${server.url}/api/v1/cases?pageSize=5`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      // Space freed, writes work again without a restart.
      fs.rmSync(filler);
      expect((await uploadPhoto(server.url, dispatcher.token, kept.id, await noisePng(160))).status).toBe(201);
      expect((await intake(1000)).status).toBe(201);
      expect(await stop(server)).toBe(0);
      server = undefined;
    } finally {
      if (server) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
      disk?.unmount();
    }
  });
});
