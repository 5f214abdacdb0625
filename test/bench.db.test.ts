import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `npm run bench -- --short` in CI: every benchmark runs to the end against the test PostgreSQL
 * server and writes its figures. Nothing here judges a figure (speed is for the benchmark's own
 * readers, on a quiet machine); it proves the harness still works as the code under it changes.
 */

const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'bench/results');
const run = process.env.TEST_BACKEND === 'postgres' ? it : it.skip;

describe('the benchmarks, short mode', () => {
  run('run every figure to the end on PostgreSQL and write them as JSON', async () => {
    const server = new URL(process.env.TEST_DATABASE_URL!);
    server.pathname = '/postgres';
    const before = new Set(fs.existsSync(results) ? fs.readdirSync(results) : []);
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--short'], {
      cwd: root, env: { ...process.env, BENCH_DATABASE_URL: server.toString() }, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024,
    });
    const written = fs.readdirSync(results).filter((f) => !before.has(f) && /^\d{4}-.*\.json$/.test(f));
    expect(written).toHaveLength(1);
    const r = JSON.parse(fs.readFileSync(path.join(results, written[0]), 'utf8'));
    expect(r.mode).toBe('short');
    expect(r.gridLookup).toBeTruthy();
    expect(r.memory).toBeTruthy();
    expect(r.intake).toMatchObject({ errors: 0 });
    expect(r.intake.casesPerSec).toBeGreaterThan(0);
    expect(r.intake.rawInsertsPerSec).toBeGreaterThan(0);
    expect(r.geoImport.geojson.rowsPerSec).toBeGreaterThan(0);
    expect(r.geoImport.raw.rowsPerSec).toBeGreaterThan(0);
    expect(r.casesRead.cases).toBe(200_000);
    expect(r.casesRead.export.rows).toBe(200_000);
    expect(r.casesRead.figures.groups).toBeGreaterThan(100);
    expect(r.casesRead.dailyCountsSeconds).toBeGreaterThan(0);
  }, 20 * 60_000);
});
