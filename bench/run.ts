/**
 * `npm run bench`: each figure beside its ceiling measured in the same run, printed and
 * written to bench/results/. `--short` trims the sizes for a quick look.
 *
 * 1. Point-to-grid lookups on a 20,000-grid city: the server's GridIndex against a bare
 *    flatbush + point-in-polygon loop over the same polygons.
 * 2. Case intake over HTTP on PostgreSQL, beside raw single-row INSERTs.
 * 3. Server memory with that city loaded, on PostgreSQL and on the embedded PGlite.
 * 4. Case reads at city scale (cases-read.ts): lists, figures and a CSV export over ten million
 *    generated cases (200,000 with --short; `--cases N` for another size; `--keep` keeps the
 *    generated database for the next run, which takes minutes to make at ten million).
 * 5. Bulk import of that city's grids over HTTP (geo-import.ts), as GeoJSON and as XLSX, beside
 *    the same rows upserted straight through pg.
 *
 * `--only grid-lookup,intake,memory,cases-read,geo-import` runs some of them.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadCity } from '../src/demo/city-data.js';
import { planGeography } from '../src/demo/geography.js';
import { mulberry32 } from '../src/geo/tiling.js';
import { benchGridLookup } from './grid-lookup.js';
import { serving } from './serving.js';
import { benchCasesRead, type CasesReadFigures, type Latency } from './cases-read.js';
import { benchIntake } from './intake.js';
import { benchGeoImport, type GeoImportFigures } from './geo-import.js';

const short = process.argv.includes('--short');
const GRIDS_PER_COMMUNITY = short ? 2 : 11;
const LOOKUPS = short ? 200_000 : 2_000_000;
const argument = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = argument('--only')?.split(',');
const runs = (name: string) => !only || only.includes(name);
const CASES = Number(argument('--cases') ?? (short ? 200_000 : 10_000_000));
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

interface MemoryFigure { backend: string; grids: number; rssMB: number; peakRssMB: number; startSeconds: number }

function line(label: string, value: string): void {
  console.log(`${label.padEnd(44)} ${value}`);
}

async function gridLookup() {
  const started = Date.now();
  const plan = planGeography(loadCity('nantong'), { gridsPerCommunity: GRIDS_PER_COMMUNITY }, mulberry32(1));
  const grids = plan.grids.map((g, i) => ({ id: String(i + 1), geometry: g.geometry }));
  console.log(`\nGrid lookup: ${grids.length} grids of Nantong, built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const report = benchGridLookup(grids, { lookups: LOOKUPS, seed: 42 });
  line('GridIndex.locate (lookups/s)', Math.round(report.indexPerSec).toLocaleString('en'));
  line('bare flatbush + point-in-polygon (lookups/s)', Math.round(report.barePerSec).toLocaleString('en'));
  line('ratio (target >= 0.8)', report.ratio.toFixed(2));
  line('points inside a grid', `${(report.hitRate * 100).toFixed(1)} %`);
  line('index build (ms)', report.buildMs.toFixed(0));
  return report;
}

/** Starts the compiled server, waits for it, exercises it and reads its memory from /proc. */
async function serverMemory(backend: 'postgres' | 'pglite'): Promise<MemoryFigure> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `shiyu-bench-${backend}-`));
  let dbName: string | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHIYU_DEMO: '0' };
  if (backend === 'postgres') {
    dbName = `shiyu_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(PG_URL);
    url.pathname = `/${dbName}`;
    env.DATABASE_URL = url.toString();
  } else {
    delete env.DATABASE_URL;
  }
  const cli = path.join(root, 'dist/src/cli/main.js');
  try {
    execFileSync(process.execPath, [cli, 'seed', '--grids-per-community', String(GRIDS_PER_COMMUNITY), '--history-cases', '0'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const started = Date.now();
    const child = spawn(process.execPath, [cli, 'serve', '--no-demo'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await serving(child);
    const startSeconds = (Date.now() - started) / 1000;
    const token = (await (await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'demo' }) })).json()) as { token: string };
    const auth = { authorization: `Bearer ${token.token}` };
    const rng = mulberry32(5);
    for (let i = 0; i < 2000; i++) {
      await fetch(`${url}/api/v1/grids/locate?lon=${120.5 + rng() * 1.5}&lat=${31.6 + rng() * 1.0}`, { headers: auth }).then((r) => r.arrayBuffer());
    }
    for (let page = 1; page <= 20; page++) await fetch(`${url}/api/v1/grids?page=${page}&pageSize=200`, { headers: auth }).then((r) => r.arrayBuffer());
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const grids = GRIDS_PER_COMMUNITY * 1961;
    return { backend, grids, rssMB: kb('VmRSS') / 1024, peakRssMB: kb('VmHWM') / 1024, startSeconds };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (dbName) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }
}

async function main(): Promise<void> {
  console.log(`Shiyu benchmarks (${short ? 'short' : 'full'} mode) on ${os.cpus().length} cores, Node ${process.version}`);
  const lookup = runs('grid-lookup') ? await gridLookup() : null;
  console.log('\nBuilding the server…');
  // The server alone: the benchmarks do not need the web app.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  let intake: Awaited<ReturnType<typeof benchIntake>> | null = null;
  if (runs('intake')) {
    // The short run (CI) only proves the harness works: one full-load run is enough there.
    intake = await benchIntake(root, PG_URL, short ? 5 : 15, short ? [32] : [32, 64, 128]);
    console.log('\nCase intake over HTTP on PostgreSQL (validate, locate, route, audit, persist):');
    line('cases/s at most (target >= 2,000)', `${Math.round(intake.casesPerSec).toLocaleString('en')} (${intake.connections} clients at once)`);
    line('cases/s and p99 (ms) by clients at once', intake.byConnections.map((r) => `${r.connections}: ${Math.round(r.casesPerSec).toLocaleString('en')}, ${r.p99Ms}`).join('; '));
    line('raw single-row INSERTs/s, 8 connections', Math.round(intake.rawInsertsPerSec).toLocaleString('en'));
    line('ratio (target >= 0.4)', intake.ratio.toFixed(2));
    line('p99 at full load (ms)', intake.p99Ms.toFixed(1));
    line(`p99 at ${intake.fixedRate} cases/s (ms, target < 50)`, `${intake.p99AtFixedRateMs.toFixed(1)} (achieved ${Math.round(intake.fixedRateAchieved)}/s)`);
    line('errors', String(intake.errors));
    line('cores busy at full load: server / PostgreSQL / load', `${intake.cores.server.toFixed(2)} / ${intake.cores.postgres.toFixed(2)} / ${intake.cores.load.toFixed(2)}`);
    line('commits per case at full load', intake.commitsPerCase.toFixed(3));
    line('server event-loop lag at full load, p99 / max (ms)', `${intake.loopLagMs.p99.toFixed(1)} / ${intake.loopLagMs.max.toFixed(1)}`);
    line('the same refused before any write (400/s)', `${Math.round(intake.refusedPerSec).toLocaleString('en')} (ratio to raw ${(intake.refusedPerSec / intake.rawInsertsPerSec).toFixed(2)})`);
  }
  const memory: MemoryFigure[] = [];
  for (const backend of runs('memory') ? (['postgres', 'pglite'] as const) : []) {
    const figure = await serverMemory(backend);
    memory.push(figure);
    console.log(`\nServer with ${figure.grids} grids on ${backend}:`);
    line('resident memory after 2,000 lookups (MB)', figure.rssMB.toFixed(0) + (backend === 'postgres' ? ' (target < 300)' : ' (PGlite itself takes several hundred)'));
    line('peak resident memory (MB)', figure.peakRssMB.toFixed(0));
    line('start to ready (s)', figure.startSeconds.toFixed(1));
  }
  let geoImport: GeoImportFigures | null = null;
  if (runs('geo-import')) {
    console.log(`\nGrid import over HTTP on PostgreSQL (${GRIDS_PER_COMMUNITY} grids per community):`);
    geoImport = await benchGeoImport(root, PG_URL, { gridsPerCommunity: GRIDS_PER_COMMUNITY, log: (l) => console.log(l) });
    const rate = (r: { rowsPerSec: number }) => Math.round(r.rowsPerSec).toLocaleString('en');
    line('GeoJSON, grids/s', `${rate(geoImport.geojson)} (${geoImport.geojson.seconds.toFixed(1)} s for ${geoImport.geojson.megabytes.toFixed(1)} MB)`);
    line('XLSX, grids/s', `${rate(geoImport.xlsx)} (${geoImport.xlsx.seconds.toFixed(1)} s for ${geoImport.xlsx.megabytes.toFixed(1)} MB)`);
    line('same upserts straight through pg, rows/s', `${rate(geoImport.raw)} (${geoImport.raw.seconds.toFixed(1)} s)`);
    line('ratio, GeoJSON import / pg', geoImport.ratio.toFixed(3));
    line('longest wait of another request meanwhile (ms)', `GeoJSON ${Math.round(geoImport.geojson.othersWaitedMs)}, XLSX ${Math.round(geoImport.xlsx.othersWaitedMs)}`);
  }
  const at = new Date().toISOString();
  const dir = path.join(root, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  let casesRead: CasesReadFigures | null = null;
  if (runs('cases-read')) {
    console.log(`\nCase reads on PostgreSQL over ${CASES.toLocaleString('en')} cases:`);
    casesRead = await benchCasesRead(root, PG_URL, { cases: CASES, keep: process.argv.includes('--keep'), log: (l) => console.log(l) });
    printCasesRead(casesRead);
    const file = path.join(dir, `cases-read-${at.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify({ at, node: process.version, cores: os.cpus().length, ...casesRead }, null, 2));
    console.log(`Written to ${path.relative(root, file)}`);
  }
  const results = { at, mode: short ? 'short' : 'full', node: process.version, cores: os.cpus().length, gridLookup: lookup, intake, memory, geoImport, casesRead };
  const file = path.join(dir, `${at.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nWritten to ${path.relative(root, file)}`);
}

function printCasesRead(r: CasesReadFigures): void {
  const ms = (l: Latency) => `${l.p50.toFixed(1)} / ${l.p95.toFixed(1)} / ${l.p99.toFixed(1)}`;
  if (r.generateSeconds !== null) line('generated in (s)', r.generateSeconds.toFixed(0));
  console.log(`${'list request (p50 / p95 / p99 ms)'.padEnd(44)} ${'HTTP'.padEnd(24)} same SQL through pg`);
  for (const [kind, k] of Object.entries(r.list.kinds)) console.log(`  ${kind.padEnd(42)} ${ms(k.http).padEnd(24)} ${ms(k.raw)}`);
  line(`all ${r.list.requests} (target p95 < 100 ms)`, `${ms(r.list.http).padEnd(24)} ${ms(r.list.raw)}`);
  line('ratio, pg / HTTP at p95', r.list.ratio.toFixed(2));
  line('figures, a year by department (ms)', `${r.figures.httpMs.toFixed(0)} (target < 300; ${r.figures.groups} groups)`);
  line('  same SQL through pg (ms)', `${r.figures.rawMs.toFixed(0)} (ratio ${r.figures.ratio.toFixed(2)})`);
  line('  counted over the cases instead (ms)', r.figures.scanMs.toFixed(0));
  if (r.dailyCountsSeconds !== null) line('daily counts built after generating (s)', r.dailyCountsSeconds.toFixed(0));
  const e = r.export;
  line(`CSV export, ${e.rows.toLocaleString('en')} cases (s)`, `${e.seconds.toFixed(1)} (target < 60; ${Math.round(e.rowsPerSec).toLocaleString('en')} rows/s, ${e.megabytes.toFixed(0)} MB)`);
  line('  server resident memory, peak (MB)', `${e.peakRssMB.toFixed(0)} (target < 300; ${e.rssBeforeMB.toFixed(0)} before)`);
  line('load average at the end (1, 5, 15 min)', r.loadAverage.map((l) => l.toFixed(1)).join(', '));
  if (e.rawSeconds !== null) line('  COPY of the same query (s)', `${e.rawSeconds.toFixed(1)} (${Math.round(e.rawRowsPerSec!).toLocaleString('en')} rows/s, ratio ${e.ratio!.toFixed(2)})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
