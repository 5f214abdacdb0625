import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../src/core/access.js';
import { sealAudit } from '../src/core/audit-chain.js';
import { exportToFile, restoreFromFile } from '../src/core/backup.js';
import { loadConfig } from '../src/core/config.js';
import { openInstance } from '../src/core/instance.js';
import { importGeography } from '../src/geo/geo-write.service.js';
import { readImportFile } from '../src/geo/geo.import.js';
import { BACKEND } from './db.js';
import { freshSite, runCli, seededSite, serve, signIn, SLOW, stop, tempDir, useProcesses, type Site } from './process.js';

// Backup and restore as an operator does them: `shiyu export --all` from one installation,
// `shiyu import --all` into a fresh one, then the figures, the photos and the audit chain compared.

useProcesses();

const LONG = process.env.SHIYU_LONG_TESTS === '1';
/** Acts for the operator, as the command line does. */
const OPERATOR: Actor = { id: 0, username: 'cli', displayName: 'command line', role: 'admin', jurisdictionId: null, jurisdictionPath: '', departmentId: null };
const HISTORY = ['--grids-per-community', LONG ? '5' : '1', '--history-cases', LONG ? '20000' : '1500'];
const DAY = 24 * 3600_000;
/** Two years of history and then some, and one recent month. */
const PERIODS = [
  { from: new Date(Date.now() - 800 * DAY), to: new Date(Date.now() + DAY) },
  { from: new Date(Date.now() - 40 * DAY), to: new Date(Date.now() - 10 * DAY) },
].map(({ from, to }) => `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`);

/** What the city's figures and records look like from outside: what a restore must give back unchanged. */
async function cityFigures(url: string, token: string) {
  const get = async (pathname: string) => {
    const res = await fetch(`${url}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, pathname).toBe(200);
    return res.json();
  };
  const figures: Record<string, unknown> = {};
  for (const period of PERIODS) {
    for (const groupBy of ['department', 'adminUnit', 'channel']) figures[`${groupBy} ${period}`] = await get(`/api/v1/stats/cases?groupBy=${groupBy}&${period}`);
  }
  figures.newest = await get('/api/v1/cases?pageSize=20');
  // Restored rows only: each sign-in (to look) writes audit rows of its own.
  figures.audit = await get('/api/v1/audit?action=case.create&limit=50');
  return figures;
}

function noisePng(side: number): Promise<Buffer> {
  return sharp(crypto.randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
}

/** A fresh installation holding the key of `source`: personal data and the audit chain are only readable with it. */
async function targetFor(source: Site, backend?: 'pglite' | 'postgres'): Promise<Site> {
  const target = await freshSite({ backend });
  fs.copyFileSync(path.join(source.dataDir, 'secret.key'), path.join(target.dataDir, 'secret.key'));
  return target;
}

describe(`shiyu export --all and import --all (${BACKEND})`, () => {
  it('restores a seeded city into a fresh database with the same figures, photos and a valid audit chain', SLOW, async () => {
    const source = await seededSite(HISTORY);
    const first = await serve(source, []);
    const admin = await signIn(first, 'admin');
    const auth = { authorization: `Bearer ${admin.token}` };
    // A case with a photo, so the backup carries files as well as rows.
    const [someCase] = ((await (await fetch(`${first.url}/api/v1/cases?pageSize=1`, { headers: auth })).json()) as { items: Array<{ id: number }> }).items;
    const photo = await noisePng(64);
    const form = new FormData();
    form.append('photo', new Blob([photo], { type: 'image/png' }), 'photo.png');
    const uploaded = await fetch(`${first.url}/api/v1/cases/${someCase.id}/photos`, { method: 'POST', headers: auth, body: form });
    expect(uploaded.status).toBe(201);
    const photoId = ((await uploaded.json()) as { id: number }).id;
    const before = await cityFigures(first.url, admin.token);
    // PostgreSQL is backed up from a snapshot while the server runs; the embedded database only once it is stopped.
    if (BACKEND === 'pglite') expect(await stop(first)).toBe(0);

    const dir = tempDir('backup');
    const file = path.join(dir, 'city.jsonl.gz');
    const exported = await runCli(source, ['export', '--all', file]);
    if (BACKEND === 'postgres') expect(await stop(first)).toBe(0);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/Exported \d+ tables \(\d+ rows\) and 2 photo files to /);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);

    // Restored on this backend and, in the long mode, on the other: from the embedded database to
    // PostgreSQL is how a city moves to production.
    const targets = [await targetFor(source)];
    if (LONG && BACKEND === 'pglite' && process.env.TEST_DATABASE_URL) targets.push(await targetFor(source, 'postgres'));
    if (LONG && BACKEND === 'postgres') targets.push(await targetFor(source, 'pglite'));
    for (const target of targets) {
      const restored = await runCli(target, ['import', '--all', file]);
      expect(restored.code, restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(/Restored \d+ tables \(\d+ rows\) and 2 photo files from /);
      const verified = await runCli(target, ['audit', 'verify']);
      expect(verified.stdout).toContain('The audit chain is intact.');
      expect(verified.code).toBe(0);

      const server = await serve(target, []);
      const { token } = await signIn(server, 'admin');
      const headers = { authorization: `Bearer ${token}` };
      expect(await cityFigures(server.url, token)).toEqual(before);
      const stored = await fetch(`${server.url}/api/v1/cases/${someCase.id}/photos/${photoId}`, { headers });
      expect(stored.status).toBe(200);
      expect(Buffer.from(await stored.arrayBuffer()).equals(photo)).toBe(true);
      // The sequences came back too: a new case takes the next id and ticket number, not one in use.
      const c = (await (await fetch(`${server.url}/api/v1/cases/${someCase.id}`, { headers })).json()) as { adminUnits: Array<{ id: number }> };
      const res = await fetch(`${server.url}/api/v1/cases`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'hotline', requestType: 'inquiry', description: '恢复后的第一件', adminUnitId: c.adminUnits[0].id }),
      });
      expect(res.status).toBe(201);
      expect(await stop(server)).toBe(0);
    }
  });

  it('refuses a damaged backup, the wrong key and a database that is not empty, restoring nothing', SLOW, async () => {
    // In this process, to spare a command's start-up per attempt; the commands themselves are run above.
    const configOf = (site: Site) => loadConfig({ NODE_ENV: 'test', DATA_DIR: site.dataDir, ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}) });
    // A small installation: one admin unit, and the audit row of its import.
    const source = await freshSite();
    const dir = tempDir('backup');
    const file = path.join(dir, 'small.jsonl');
    const instance = await openInstance(configOf(source));
    try {
      const csv = Buffer.from('code,name,level,parent_code\n320600,南通市,city,\n');
      await importGeography(instance.env, { actor: OPERATOR }, 'admin-units', await readImportFile(csv, 'csv'));
      await sealAudit(instance.env.db, instance.env.auditKey);
      expect(await exportToFile(instance.env, file)).toMatchObject({ files: 0, rows: expect.any(Number) });
    } finally {
      await instance.close();
    }
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ '@format': 'shiyu-backup', version: 1 });
    expect(JSON.parse(lines.at(-1)!)).toEqual({ '@end': true, rows: expect.any(Number), files: 0 });

    const target = await targetFor(source);
    // Every row is there, only the last line is missing: all of it is rolled back.
    fs.writeFileSync(path.join(dir, 'cut.jsonl'), lines.slice(0, -1).join('\n') + '\n');
    await expect(restoreFromFile(configOf(target), path.join(dir, 'cut.jsonl'))).rejects.toThrow('the backup file is incomplete');
    fs.writeFileSync(path.join(dir, 'other.json'), '{"type":"FeatureCollection","features":[]}\n');
    await expect(restoreFromFile(configOf(target), path.join(dir, 'other.json'))).rejects.toThrow('not a Shiyu backup');
    await expect(restoreFromFile(configOf(await freshSite()), file)).rejects.toThrow('made with another secret key');

    // Nothing of the refused attempts stayed behind: the whole backup goes in now, and only once.
    expect(await restoreFromFile(configOf(target), file)).toMatchObject({ rows: Number(JSON.parse(lines.at(-1)!).rows) });
    await expect(restoreFromFile(configOf(target), file)).rejects.toThrow('the database is not empty');
  });
});
