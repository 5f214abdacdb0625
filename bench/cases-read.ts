/**
 * Reading cases at city scale over HTTP on PostgreSQL, each figure beside the same SQL run
 * straight through pg in the same run: filtered, paged lists (p50/p95/p99), the figures for a year
 * by department, and a CSV export of about a million cases with the server's peak memory.
 * Targets (the closed-loop issue): list p95 < 100 ms, figures < 300 ms, export < 60 s under 300 MB.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DummyDriver, Kysely, PostgresAdapter, PostgresDialect, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import pg from 'pg';
import type { DB } from '../src/core/db.types.js';
import { exportBatchQuery } from '../src/cases/cases.export.repo.js';
import { caseCountQuery, casePageQuery, type CaseFilter } from '../src/cases/cases.list.repo.js';
import { COUNT_CAP, LIST_WINDOW } from '../src/cases/cases.list.js';
import { FEW_UNITS } from '../src/geo/geo.service.js';
import { caseCountsQuery } from '../src/cases/cases.stats.repo.js';
import { dailyCountsQuery, dailyPeriod, rebuildDailyCounts } from '../src/cases/cases.stats.daily.js';
import { mulberry32 } from '../src/geo/tiling.js';
import { generateCases } from './cases-generate.js';
import { serving } from './serving.js';

export interface Latency { p50: number; p95: number; p99: number }

export interface CasesReadFigures {
  cases: number;
  /** The machine's load over the last 1, 5 and 15 minutes when the run ended: other work skews the figures. */
  loadAverage: number[];
  generateSeconds: number | null;
  list: { requests: number; http: Latency; raw: Latency; ratio: number; kinds: Record<string, { http: Latency; raw: Latency }> };
  /** How long counting the generated cases into the daily counts took; null when they were counted already. */
  dailyCountsSeconds: number | null;
  /** `rawMs`: the daily counts' SQL through pg; `scanMs`: the same figures counted over the cases, as without daily counts. */
  figures: { httpMs: number; rawMs: number; ratio: number; scanMs: number; groups: number };
  export: { rows: number; seconds: number; rowsPerSec: number; megabytes: number; peakRssMB: number; rssBeforeMB: number; rawSeconds: number | null; rawRowsPerSec: number | null; ratio: number | null };
}

/** Compiles the server's own queries without a connection, to run them through pg. */
const compiler = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
function latency(ms: number[]): Latency {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99) };
}
const median = (ms: number[]) => latency(ms).p50;

function rssMB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/** A request of the mix: who asks, the query string, and the same filter as the repository sees it. */
interface ListRequest { kind: string; user: string; query: Record<string, string | string[]>; filter: Omit<CaseFilter, 'now'>; page: number; pageSize: number }

interface World {
  paths: Map<string, string>;
  /** Every admin unit's path, to read small areas unit by unit as the server does (cases.list.ts). */
  unitPaths: string[];
  districts: { id: number; path: string }[];
  townships: { id: number; path: string }[];
  departments: number[];
  tickets: string[];
  newest: Date;
}

async function readWorld(client: pg.Client): Promise<World> {
  const units = (await client.query<{ id: string; path: string; level: string }>("select id, path, level from admin_units where level in ('district', 'township') order by id")).rows;
  const users = (await client.query<{ username: string; path: string | null }>(
    "select u.username, a.path from users u left join admin_units a on a.id = u.jurisdiction_id where u.username in ('admin', 'dispatcher', 'dispatcher_d1')")).rows;
  // Departments big and small: the city's bureaus, a district's, a township office, a community committee.
  const departments = (await client.query<{ department_id: string }>(`
    select department_id from (select department_id, count(*) as n from case_assignments tablesample system (2) where active group by 1) s
    order by n desc`)).rows.map((r) => Number(r.department_id));
  const picked = [0, 1, 2, 5, 10, 20, 40, 80, 160, 320].map((i) => departments[Math.min(i, departments.length - 1)]);
  const tickets = (await client.query<{ ticket_no: string }>('select ticket_no from cases tablesample system (0.1) limit 50')).rows.map((r) => r.ticket_no);
  const newest = (await client.query<{ at: Date }>('select max(created_at) as at from cases')).rows[0].at;
  const unitPaths = (await client.query<{ path: string }>('select path from admin_units')).rows.map((r) => r.path);
  return {
    unitPaths,
    paths: new Map(users.map((u) => [u.username, u.username === 'admin' ? '' : u.path!])),
    districts: units.filter((u) => u.level === 'district').map((u) => ({ id: Number(u.id), path: u.path })),
    townships: units.filter((u) => u.level === 'township').map((u) => ({ id: Number(u.id), path: u.path })),
    departments: picked, tickets, newest,
  };
}

/** The mix: what dispatchers, leaders and department staff ask of the list all day, a few deep pages among them. */
function listMix(w: World, perKind: number): ListRequest[] {
  const rng = mulberry32(11);
  const pick = <T>(items: T[]) => items[Math.floor(rng() * items.length)];
  const day = 86_400_000;
  const out: ListRequest[] = [];
  const add = (kind: string, user: string, query: Record<string, string | string[]>, filter: Partial<CaseFilter> = {}, page = 1, pageSize = 50) => {
    const pathPrefix = w.paths.get(user)!;
    const prefix = filter.adminUnitPath ?? pathPrefix;
    const under = prefix === '' ? [] : w.unitPaths.filter((p) => p.startsWith(prefix));
    const unitPaths = under.length > 0 && under.length <= FEW_UNITS ? under : undefined;
    out.push({ kind, user, query: { ...query, page: String(page), pageSize: String(pageSize) }, filter: { pathPrefix, unitPaths, ...filter }, page, pageSize });
  };
  const iso = (t: number) => new Date(t).toISOString();
  for (let i = 0; i < perKind; i++) {
    const district = pick(w.districts);
    const township = pick(w.townships);
    const department = pick(w.departments);
    const monthStart = w.newest.getTime() - Math.floor(rng() * 700) * day;
    add('newest, city', 'dispatcher', {});
    add('newest, district dispatcher', 'dispatcher_d1', {});
    add('district', 'dispatcher', { adminUnitId: String(district.id) }, { adminUnitPath: district.path });
    add('township', 'dispatcher', { adminUnitId: String(township.id) }, { adminUnitPath: township.path });
    const open = [['dispatched', 'in_progress'], ['received'], ['registered'], ['reported', 'verified'], ['hung', 'deferred']][i % 5];
    add('open statuses', 'dispatcher', { status: open }, { status: open });
    add('closed', 'admin', { status: ['closed'] }, { status: ['closed'] });
    add('department', 'dispatcher', { departmentId: String(department) }, { departmentId: department });
    add('overdue', 'dispatcher', { overdue: 'true' }, { overdue: true });
    add('a month', 'dispatcher', { from: iso(monthStart), to: iso(monthStart + 30 * day) }, { from: new Date(monthStart), to: new Date(monthStart + 30 * day) });
    const ticket = pick(w.tickets);
    add('ticket number', 'dispatcher', { q: ticket }, { text: ticket });
    const [channel, category] = pick([['hotline', 'H03'], ['patrol', 'E05'], ['citizen_app', 'C01'], ['open311', 'E01']]);
    add('channel and category', 'dispatcher', { channel, categoryCode: category }, { channel, categoryCode: category });
    add('figures drill-down', 'dispatcher', { departmentId: String(department), from: iso(w.newest.getTime() - 365 * day), to: iso(w.newest.getTime()) },
      { departmentId: department, from: new Date(w.newest.getTime() - 365 * day), to: new Date(w.newest.getTime()) });
    const deep = 20 + Math.floor(rng() * (LIST_WINDOW / 50 - 20));
    add('deep page', 'dispatcher', { adminUnitId: String(district.id) }, { adminUnitPath: district.path }, deep);
  }
  return out;
}

function queryString(query: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
  return params.toString();
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

/** Parameters written into the SQL, for COPY, which takes none. */
function inline(text: string, parameters: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = parameters[Number(n) - 1];
    if (value instanceof Date) return `'${value.toISOString()}'::timestamptz`;
    if (typeof value === 'number') return String(value);
    return `'${String(value).replace(/'/g, "''")}'`;
  });
}

async function startServer(cli: string, env: NodeJS.ProcessEnv): Promise<{ server: ChildProcess; base: string }> {
  const server = spawn(process.execPath, [cli, 'serve', '--no-demo'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return { server, base: await serving(server) };
}

export interface CasesReadOptions {
  cases: number;
  /** Keep the generated database (shiyu_bench_read_<cases>) and use it again next time instead of generating. */
  keep: boolean;
  log: (line: string) => void;
}

export async function benchCasesRead(root: string, adminUrl: string, options: CasesReadOptions): Promise<CasesReadFigures> {
  const dbName = options.keep ? `shiyu_bench_read_${options.cases}` : `shiyu_bench_read_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount === 1;
  if (!exists) await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  // A kept database keeps its data directory too: the key its personal data was encrypted with lives there.
  const dataDir = options.keep ? path.join(os.tmpdir(), dbName) : fs.mkdtempSync(path.join(os.tmpdir(), 'shiyu-bench-read-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const env = { ...process.env, DATABASE_URL: url.toString(), DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHIYU_DEMO: '0' };
  const cli = path.join(root, 'dist/src/cli/main.js');
  const client = new pg.Client({ connectionString: url.toString() });
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // A connection closing as the pool ends may still hear from the server: that must not end the run.
  pool.on('error', () => {});
  pool.on('connect', (c) => { c.on('error', () => {}); });
  let server: ChildProcess | undefined;
  try {
    if (!exists) execFileSync(process.execPath, [cli, 'seed', '--history-cases', '0'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const started = await startServer(cli, env); // migrates, and fills the case catalogue the cases refer to
    server = started.server;
    const base = started.base;
    await client.connect();
    let generateSeconds: number | null = null;
    const have = Number((await client.query('select count(*) as n from cases')).rows[0].n);
    if (have !== options.cases) {
      if (have !== 0) throw new Error(`${dbName} holds ${have} cases, not ${options.cases}: drop it to generate again`);
      options.log(`Generating ${options.cases.toLocaleString('en')} cases in ${dbName}…`);
      const made = await generateCases(client, options.cases, new Date(), (done) => options.log(`  ${done.toLocaleString('en')} cases`));
      generateSeconds = made.seconds;
      options.log(`  done in ${made.seconds.toFixed(0)} s (indexes and ANALYZE ${made.indexSeconds.toFixed(0)} s)`);
    }
    // Generated cases are counted into the daily counts (cases.stats.daily.ts) in one pass, as after any bulk load.
    let dailyMs = 0;
    const counted = (await client.query('select exists (select 1 from case_daily_counts) as any')).rows[0].any as boolean;
    if (generateSeconds !== null || !counted) {
      const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }) });
      try {
        [dailyMs] = await timed(() => rebuildDailyCounts(db));
      } finally {
        await db.destroy();
      }
      options.log(`  daily counts built in ${(dailyMs / 1000).toFixed(0)} s`);
    }
    const world = await readWorld(client);
    const tokens = new Map<string, string>();
    for (const username of ['admin', 'dispatcher', 'dispatcher_d1']) {
      const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
      if (res.status !== 200) throw new Error(`sign-in as ${username}: ${res.status} ${await res.text()}`);
      tokens.set(username, ((await res.json()) as { token: string }).token);
    }
    const get = async (user: string, pathAndQuery: string) => {
      const res = await fetch(`${base}${pathAndQuery}`, { headers: { authorization: `Bearer ${tokens.get(user)}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${pathAndQuery}: ${res.status} ${body.slice(0, 300)}`);
      return body;
    };

    // (a) The list mix: each request over HTTP, then its page and capped count through pg, as the server runs them.
    const mix = listMix(world, options.cases >= 1_000_000 ? 15 : 8);
    const runRaw = async (r: ListRequest) => {
      const filter = { ...r.filter, now: new Date() };
      const page = casePageQuery(compiler, filter, r.pageSize + 1, (r.page - 1) * r.pageSize).compile();
      const count = caseCountQuery(compiler, filter, COUNT_CAP + 1).compile();
      await Promise.all([pool.query(page.sql, page.parameters as unknown[]), pool.query(count.sql, count.parameters as unknown[])]);
    };
    for (const r of mix.slice(0, 26)) { await get(r.user, `/api/v1/cases?${queryString(r.query)}`); await runRaw(r); } // warm-up
    const http: Record<string, number[]> = {};
    const raw: Record<string, number[]> = {};
    for (const r of mix) {
      (http[r.kind] ??= []).push((await timed(() => get(r.user, `/api/v1/cases?${queryString(r.query)}`)))[0]);
      (raw[r.kind] ??= []).push((await timed(() => runRaw(r)))[0]);
    }
    const kinds = Object.fromEntries(Object.keys(http).map((k) => [k, { http: latency(http[k]), raw: latency(raw[k]) }]));
    const listHttp = latency(Object.values(http).flat());
    const listRaw = latency(Object.values(raw).flat());

    // (b) The figures for the year to the start of today (Beijing), by department, for the whole city.
    const day = 86_400_000;
    const to = new Date(Math.floor((Date.now() + 8 * 3_600_000) / day) * day - 8 * 3_600_000);
    const from = new Date(to.getTime() - 365 * day);
    const figuresPath = `/api/v1/stats/cases?${new URLSearchParams({ groupBy: 'department', from: from.toISOString(), to: to.toISOString() })}`;
    const scanSql = caseCountsQuery(compiler, '', { from, to }, { by: 'department' }).compile();
    const cities = (await client.query<{ id: string }>(`select id from admin_units where level = 'city'`)).rows.map((r) => Number(r.id));
    const figuresSql = dailyCountsQuery(cities, 'department', dailyPeriod({ from, to })!).compile(compiler);
    await get('admin', figuresPath);
    const figureRuns: number[] = [];
    const rawFigureRuns: number[] = [];
    const scanFigureRuns: number[] = [];
    let groups = 0;
    for (let i = 0; i < 3; i++) {
      const [ms, body] = await timed(() => get('admin', figuresPath));
      figureRuns.push(ms);
      groups = (JSON.parse(body) as { groups: unknown[] }).groups.length;
      rawFigureRuns.push((await timed(() => pool.query(figuresSql.sql, figuresSql.parameters as unknown[])))[0]);
      scanFigureRuns.push((await timed(() => pool.query(scanSql.sql, scanSql.parameters as unknown[])))[0]);
    }

    // (c) An export of about a million cases: the newest ones, from the intake time of the millionth.
    const wanted = Math.min(1_000_000, options.cases);
    const since = (await client.query<{ at: Date }>('select created_at as at from cases order by created_at desc, id desc offset $1 limit 1', [wanted - 1])).rows[0].at;
    const exportPath = `/api/v1/cases/export.csv?${new URLSearchParams({ from: since.toISOString() })}`;
    const pid = server.pid!;
    const rssBeforeMB = rssMB(pid, 'VmRSS');
    let peakRssMB = rssBeforeMB;
    const sampler = setInterval(() => (peakRssMB = Math.max(peakRssMB, rssMB(pid, 'VmRSS'))), 50);
    const exportStarted = performance.now();
    const res = await fetch(`${base}${exportPath}`, { headers: { authorization: `Bearer ${tokens.get('admin')}` } });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines += 1;
    }
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    clearInterval(sampler);
    peakRssMB = Math.max(peakRssMB, rssMB(pid, 'VmRSS'));
    const rows = lines - 1;

    // The ceiling: the export's own query, all rows at once, through COPY … TO STDOUT.
    const copySql = exportBatchQuery(compiler, { pathPrefix: '', from: since, now: new Date() }, null, wanted + 1).compile();
    let rawSeconds: number | null = null;
    try {
      const [ms] = await timed(() => new Promise<void>((resolve, reject) => {
        const psql = spawn('psql', ['-X', '-q', url.toString(), '-c', `copy (${inline(copySql.sql, copySql.parameters)}) to stdout with (format csv)`], { stdio: ['ignore', 'pipe', 'inherit'] });
        psql.stdout.resume();
        psql.once('error', reject);
        psql.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited with ${code}`))));
      }));
      rawSeconds = ms / 1000;
    } catch (err) {
      options.log(`  (no COPY ceiling: ${(err as Error).message})`);
    }

    return {
      cases: options.cases, loadAverage: os.loadavg(), generateSeconds,
      list: { requests: mix.length, http: listHttp, raw: listRaw, ratio: listRaw.p95 / listHttp.p95, kinds },
      dailyCountsSeconds: dailyMs === 0 ? null : dailyMs / 1000,
      figures: { httpMs: median(figureRuns), rawMs: median(rawFigureRuns), ratio: median(rawFigureRuns) / median(figureRuns), scanMs: median(scanFigureRuns), groups },
      export: {
        rows, seconds: exportSeconds, rowsPerSec: rows / exportSeconds, megabytes: bytes / 1e6, peakRssMB, rssBeforeMB,
        rawSeconds, rawRowsPerSec: rawSeconds === null ? null : rows / rawSeconds, ratio: rawSeconds === null ? null : rawSeconds / exportSeconds,
      },
    };
  } finally {
    server?.kill('SIGTERM');
    if (server) await new Promise((resolve) => server!.once('exit', resolve));
    await client.end().catch(() => {});
    await pool.end();
    if (!options.keep) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${dbName} with (force)`);
      await cleanup.end();
    }
  }
}
