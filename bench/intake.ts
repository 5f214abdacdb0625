/**
 * Case intake over HTTP against real PostgreSQL (validate, locate, route, audit, persist),
 * beside the raw single-row INSERT throughput of the same database in the same run.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadCity } from '../src/demo/city-data.js';
import { planGeography } from '../src/demo/geography.js';
import { pointInArea, polygonsOf } from '../src/geo/geometry.js';
import { mulberry32 } from '../src/geo/tiling.js';
import { serving } from './serving.js';

export interface IntakeFigures {
  /** The most cases/s of the full-load runs, and the figures below are that run's. */
  casesPerSec: number;
  /** Clients sending at once in the run that took in the most. */
  connections: number;
  /** Every full-load run: more clients at once make larger batches, at the price of latency. */
  byConnections: { connections: number; casesPerSec: number; p99Ms: number }[];
  p99Ms: number;
  errors: number;
  rawInsertsPerSec: number;
  ratio: number;
  p99AtFixedRateMs: number;
  fixedRate: number;
  fixedRateAchieved: number;
  /** Cores busy during the full-load run: the server, PostgreSQL, and this process (the load generator). */
  cores: { server: number; postgres: number; load: number };
  /** Transactions PostgreSQL committed per case taken in, during the full-load run. */
  commitsPerCase: number;
  /**
   * How late the server's event loop ran during the full-load run (prom-client's monitor, read from
   * /metrics): a long stall there (background work holding the one thread) holds every request.
   */
  loopLagMs: { p99: number; max: number };
  /**
   * The same requests with a point outside the city, refused with a 400 after parsing, signing in,
   * validating and locating, before anything is written: the most this server answers that request.
   */
  refusedPerSec: number;
}

const TICK = 100; // clock ticks per second in /proc; Linux fixes it at 100 on every architecture Node runs on here.

/** CPU seconds used so far by a process, from /proc (0 once it has gone). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every PostgreSQL process on this machine. */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuSecondsOf(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  return total;
}

async function commitsSoFar(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('select xact_commit::text as n from pg_stat_database where datname = current_database()');
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** Points inside the demo city's grids: the same seed builds the same polygons as `shiyu seed`. */
function cityPoints(n: number): { lon: number; lat: number }[] {
  const plan = planGeography(loadCity('nantong'), { gridsPerCommunity: 5 }, mulberry32(1));
  const rng = mulberry32(9);
  const points: { lon: number; lat: number }[] = [];
  while (points.length < n) {
    const grid = plan.grids[Math.floor(rng() * plan.grids.length)];
    const ring = polygonsOf(grid.geometry)[0][0];
    const [a, b, c] = [ring[0], ring[1 + Math.floor(rng() * (ring.length - 3))], ring[ring.length - 2]];
    const p = { lon: (a[0] + b[0] + c[0]) / 3, lat: (a[1] + b[1] + c[1]) / 3 };
    if (pointInArea(p.lon, p.lat, grid.geometry)) points.push(p);
  }
  return points;
}

/** Single-row INSERTs from 8 connections for `seconds`: the ceiling intake is measured against. */
async function rawInserts(url: string, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  // A connection closing as the pool ends may still hear from the server: that must not end the run.
  pool.on('error', () => {});
  pool.on('connect', (client) => { client.on('error', () => {}); });
  await pool.query('create table if not exists bench_raw (id bigserial primary key, payload jsonb not null, created_at timestamptz not null default now())');
  let count = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (Date.now() < until) {
      await pool.query('insert into bench_raw (payload) values ($1)', [JSON.stringify({ description: '深夜酒吧噪音扰民', lon: 120.9, lat: 32.0 })]);
      count += 1;
    }
  }));
  await pool.query('drop table bench_raw');
  await pool.end();
  return count / seconds;
}

/** prom-client times the event loop with a 10 ms timer, and its figures include those 10 ms. */
const LAG_TIMER_MS = 10;

/** How late the event loop ran since the last scrape of the server's /metrics (each scrape resets it). */
async function loopLag(base: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const lateMs = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000 - LAG_TIMER_MS;
  return { p99: lateMs('nodejs_eventloop_lag_p99_seconds'), max: lateMs('nodejs_eventloop_lag_max_seconds') };
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * `connections`: the numbers of clients sending at once for the full-load runs; the most any of
 * them took in is "at most".
 */
export async function benchIntake(root: string, adminUrl: string, seconds: number, connections: number[] = [32]): Promise<IntakeFigures> {
  const dbName = `shiyu_bench_intake_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiyu-bench-intake-'));
  const env = { ...process.env, DATABASE_URL: url.toString(), DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHIYU_DEMO: '0', DB_POOL_SIZE: '16' };
  const cli = path.join(root, 'dist/src/cli/main.js');
  let server: ChildProcess | undefined;
  try {
    execFileSync(process.execPath, [cli, 'seed', '--history-cases', '0'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    // BENCH_CPU_PROFILE=dir writes the server's CPU profile there, to see where an intake's time goes.
    const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
    server = spawn(process.execPath, [...profile, cli, 'serve', '--no-demo'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const base = await serving(server);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'dispatcher', password: 'demo' }) });
    const token = ((await login.json()) as { token: string }).token;
    const points = cityPoints(2000);
    // A hotline call as operators file it: classified, so intake also routes it and looks for duplicates.
    const categories = ['E0102', 'E0103', 'E0110'];
    const bodyOf = (p: { lon: number; lat: number }, i: number) => JSON.stringify({
      channel: 'hotline', requestType: 'complaint', categoryCode: categories[i % categories.length],
      description: `路边垃圾堆积无人清理 #${i}`, location: p, reporter: { phone: '13812345678' },
    });
    const bodies = points.map(bodyOf);
    let next = 0;
    const request: autocannon.Request = {
      method: 'POST',
      path: '/api/v1/cases',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
    };
    await cannon({ url: base, connections: 16, duration: 2, requests: [request] }); // warm-up
    const fullLoad = async (clients: number) => {
      await loopLag(base);
      const before = { server: cpuSecondsOf(server!.pid!), postgres: postgresCpuSeconds(), load: process.cpuUsage(), commits: await commitsSoFar(url.toString()) };
      const result = await cannon({ url: base, connections: clients, duration: seconds, requests: [request] });
      const loopLagMs = await loopLag(base);
      // Statistics reach pg_stat_database when a backend goes idle; the next query sees them.
      const commits = await commitsSoFar(url.toString()) - before.commits;
      const load = process.cpuUsage(before.load);
      const cores = {
        server: (cpuSecondsOf(server!.pid!) - before.server) / seconds,
        postgres: (postgresCpuSeconds() - before.postgres) / seconds,
        load: (load.user + load.system) / 1e6 / seconds,
      };
      return { clients, result, casesPerSec: result['2xx'] / seconds, loopLagMs, cores, commitsPerCase: commits / Math.max(1, result['2xx']) };
    };
    const runs: Awaited<ReturnType<typeof fullLoad>>[] = [];
    for (const clients of connections) runs.push(await fullLoad(clients));
    const best = runs.reduce((a, b) => (b.casesPerSec > a.casesPerSec ? b : a));
    const max = best.result;
    const fixedRate = 500;
    const steady = await cannon({ url: base, connections: 16, duration: seconds, overallRate: fixedRate, requests: [request] });
    const outside = points.map((p, i) => bodyOf({ lon: p.lon + 50, lat: p.lat }, i));
    const refused = await cannon({
      url: base, connections: 32, duration: Math.min(seconds, 5),
      requests: [{ ...request, setupRequest: (req) => ({ ...req, body: outside[next++ % outside.length] }) }],
    });
    if (refused['4xx'] !== refused.requests.total) throw new Error(`the refused requests were not all refused: ${refused['4xx']} of ${refused.requests.total}`);
    server.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
    server = undefined;
    const raw = await rawInserts(url.toString(), seconds);
    return {
      casesPerSec: best.casesPerSec, connections: best.clients,
      byConnections: runs.map((r) => ({ connections: r.clients, casesPerSec: r.casesPerSec, p99Ms: r.result.latency.p99 })),
      p99Ms: max.latency.p99, errors: runs.reduce((n, r) => n + r.result.non2xx + r.result.errors, 0),
      rawInsertsPerSec: raw, ratio: best.casesPerSec / raw,
      p99AtFixedRateMs: steady.latency.p99, fixedRate, fixedRateAchieved: steady['2xx'] / seconds,
      cores: best.cores, commitsPerCase: best.commitsPerCase, loopLagMs: best.loopLagMs, refusedPerSec: refused['4xx'] / refused.duration,
    };
  } finally {
    server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${dbName} with (force)`);
    await cleanup.end();
  }
}
