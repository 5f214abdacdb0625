/**
 * Bulk import of the geography: the benchmark city's grids (Nantong, N grids per community) sent as
 * one file to POST /api/v1/geo/imports on a running server, as GeoJSON and as XLSX, in rows per
 * second from the first byte sent to the answer (upload, reading, every geometric check, the
 * writes and their audit rows). Beside it, the ceiling measured in the same run: the same rows
 * written straight through pg as the import writes them (500-row INSERT … ON CONFLICT (code) DO
 * UPDATE, one transaction) into a copy of the grids table holding them, indexes and all.
 *
 * Everything happens in a schema of its own in the database at `databaseUrl`, dropped afterwards.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { serving } from './serving.js';

/** One import of the whole city's grids. */
export interface ImportRun {
  megabytes: number;
  seconds: number;
  rowsPerSec: number;
  /**
   * The longest another request (GET /healthz, asked again as soon as answered) waited while the
   * import ran: what a hotline operator filing a case at that moment would have felt.
   */
  othersWaitedMs: number;
}

export interface GeoImportFigures {
  grids: number;
  geojson: ImportRun;
  xlsx: ImportRun;
  /** The import's own writes of the same rows, straight through pg. */
  raw: { seconds: number; rowsPerSec: number };
  /** GeoJSON rows/s over the raw upserts' rows/s. */
  ratio: number;
}

/** The rows the import writes, in the order of its upsert's columns. */
const COLUMNS = ['code', 'name', 'community_id', 'path', 'boundary', 'min_lon', 'min_lat', 'max_lon', 'max_lat', 'area_m2', 'households'] as const;
const BATCH = 500;

export async function benchGeoImport(root: string, databaseUrl: string, options: { gridsPerCommunity: number; log: (line: string) => void }): Promise<GeoImportFigures> {
  const schema = `bench_geo_${crypto.randomBytes(4).toString('hex')}`;
  await onDatabase(databaseUrl, (client) => client.query(`create schema ${schema}`));
  const url = `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiyu-bench-geo-'));
  const env = { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHIYU_DEMO: '0' };
  const cli = path.join(root, 'dist/src/cli/main.js');
  let server: ChildProcess | undefined;
  try {
    execFileSync(process.execPath, [cli, 'seed', '--grids-per-community', String(options.gridsPerCommunity), '--history-cases', '0'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const geojsonFile = path.join(dataDir, 'grids.geojson');
    execFileSync(process.execPath, [cli, 'export', 'grids', '--out', geojsonFile], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const geojson = fs.readFileSync(geojsonFile);
    const xlsx = await asXlsx(geojson);
    const grids = (JSON.parse(geojson.toString('utf8')) as { features: unknown[] }).features.length;
    options.log(`  ${grids.toLocaleString('en')} grids: GeoJSON ${mb(geojson)} MB, XLSX ${mb(xlsx)} MB`);

    server = spawn(process.execPath, [cli, 'serve', '--no-demo'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const base = await serving(server);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'demo' }) });
    const { token } = (await login.json()) as { token: string };
    // The file replaces the grids of each community it names: the same grids again, every one checked and rewritten.
    const upload = async (content: Buffer, name: string, type: string): Promise<ImportRun> => {
      const form = new FormData();
      form.append('file', new Blob([content], { type }), name);
      const started = performance.now();
      let importing = true;
      const imported = fetch(`${base}/api/v1/geo/imports?kind=grids`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
        .then(async (res) => ({ res, answer: await res.text() }))
        .finally(() => { importing = false; });
      let othersWaitedMs = 0;
      while (importing) {
        const asked = performance.now();
        await fetch(`${base}/healthz`).then((r) => r.text());
        othersWaitedMs = Math.max(othersWaitedMs, performance.now() - asked);
      }
      const { res, answer } = await imported;
      const seconds = (performance.now() - started) / 1000;
      const result = JSON.parse(answer) as { rows?: number; updated?: number };
      if (res.status !== 201 || result.rows !== grids || result.updated !== grids) throw new Error(`the ${name} import answered ${res.status}: ${answer.slice(0, 500)}`);
      return { megabytes: content.length / 1e6, seconds, rowsPerSec: grids / seconds, othersWaitedMs };
    };
    const asGeoJson = await upload(geojson, 'grids.geojson', 'application/geo+json');
    options.log(`  GeoJSON imported in ${asGeoJson.seconds.toFixed(1)} s`);
    const asSheet = await upload(xlsx, 'grids.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    options.log(`  XLSX imported in ${asSheet.seconds.toFixed(1)} s`);
    server.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
    server = undefined;

    const raw = await rawUpserts(url);
    return { grids, geojson: asGeoJson, xlsx: asSheet, raw, ratio: asGeoJson.rowsPerSec / raw.rowsPerSec };
  } finally {
    server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    await onDatabase(databaseUrl, (client) => client.query(`drop schema if exists ${schema} cascade`));
  }
}

/** The same grids as a sheet: code, name, community_code and the geometry as GeoJSON text. */
async function asXlsx(geojson: Buffer): Promise<Buffer> {
  const { features } = JSON.parse(geojson.toString('utf8')) as { features: { properties: Record<string, string>; geometry: unknown }[] };
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('grids');
  sheet.addRow(['code', 'name', 'community_code', 'geometry']);
  for (const f of features) sheet.addRow([f.properties.code, f.properties.name, f.properties.community_code, JSON.stringify(f.geometry)]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The import's writes of the grids just imported, repeated straight through pg on a copy of their table. */
async function rawUpserts(url: string): Promise<{ seconds: number; rowsPerSec: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create table bench_grid_rows (like grids including all)');
    await client.query('insert into bench_grid_rows overriding system value select * from grids');
    const { rows } = await client.query<Record<string, unknown>>(`select ${COLUMNS.map((c) => (c === 'boundary' ? 'boundary::text as boundary' : c)).join(', ')} from grids`);
    const updates = COLUMNS.filter((c) => c !== 'code').map((c) => `${c} = excluded.${c}`).join(', ');
    const started = performance.now();
    await client.query('begin');
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      const values = batch.map((_, r) => `(${COLUMNS.map((_c, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`).join(', ');
      await client.query(
        `insert into bench_grid_rows (${COLUMNS.join(', ')}) values ${values} on conflict (code) do update set ${updates}, updated_at = now() returning id`,
        batch.flatMap((row) => COLUMNS.map((c) => row[c])),
      );
    }
    await client.query('commit');
    const seconds = (performance.now() - started) / 1000;
    return { seconds, rowsPerSec: rows.length / seconds };
  } finally {
    await client.query('drop table if exists bench_grid_rows').catch(() => {});
    await client.end();
  }
}

async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const mb = (b: Buffer) => (b.length / 1e6).toFixed(1);
