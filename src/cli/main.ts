#!/usr/bin/env node
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../core/config.js';
import { openInstance } from '../core/instance.js';
import { sealAudit, verifyAudit } from '../core/audit-chain.js';
import { exportToFile, restoreFromFile } from '../core/backup.js';
import type { Actor } from '../core/access.js';
import { AppError, ImportRejectedError } from '../core/errors.js';
import { startServer } from '../server.js';
import { DEFAULT_HISTORY_CASES, seedDemo } from '../demo/demo.seed.js';
import { CITIES, type CityKey } from '../demo/city-data.js';
import { detectFormat, readImportFile } from '../geo/geo.import.js';
import { exportAdminUnitsCsv, exportGridsGeoJson } from '../geo/geo.service.js';
import { importGeography, memberUsernames, type ImportKind } from '../geo/geo-write.service.js';
import { teamAccountsByUsername } from '../accounts/accounts.service.js';
import { rebuildDailyCounts } from '../cases/cases.stats.daily.js';
import { userCommands } from './users.js';

/** The command line acts as an instance-wide administrator named "cli"; its writes are audited as such. */
const CLI_ACTOR: Actor = { id: 0, username: 'cli', displayName: 'command line', role: 'admin', jurisdictionId: null, jurisdictionPath: '', departmentId: null };

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

function progressBar() {
  const bar = new cliProgress.SingleBar({ format: '{stage} [{bar}] {value}/{total}', hideCursor: true, noTTYOutput: false }, cliProgress.Presets.shades_classic);
  let current = '';
  return {
    update(stage: string, done: number, total: number) {
      if (stage !== current) {
        if (current) bar.stop();
        bar.start(total, done, { stage });
        current = stage;
      }
      bar.setTotal(total);
      bar.update(done, { stage });
    },
    stop: () => current && bar.stop(),
  };
}

async function withInstance<T>(fn: (instance: Awaited<ReturnType<typeof openInstance>>) => Promise<T>): Promise<T> {
  const instance = await openInstance(loadConfig());
  try {
    return await fn(instance);
  } finally {
    await sealAudit(instance.env.db, instance.env.auditKey).catch(() => {});
    await instance.close();
  }
}

const program = new Command('shiyu').description('Shiyu (市域): city-level social governance platform');

program.command('serve')
  .description('serve the API and web app (seeds the demo city on a fresh database unless --no-demo or NODE_ENV=production)')
  .option('--no-demo', 'do not seed the demo city')
  .action(async (opts: { demo: boolean }) => {
    const server = await startServer(loadConfig(), { demo: opts.demo });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        server.app.log.info(`${signal}: draining requests and closing the database`);
        server.stop().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
      });
    }
  });

program.command('migrate').description('bring the database schema up to date').action(async () => {
  await withInstance(async () => console.log('The database schema is up to date.'));
});

program.command('seed')
  .description('build a demo instance from the real data of the seed cities')
  .option('--demo', 'seed the demo city (the default and only kind of seed for now)', true)
  .option('--city <name>', `one of ${CITIES.join(', ')}`, 'nantong')
  .option('--all', 'all five seed places: a province-sized instance')
  .option('--seed <n>', 'random seed: the same seed builds the same city', positiveInt, 1)
  .option('--grids-per-community <n>', 'grids in each community (5 gives Nantong ~10,000; 10 gives ~20,000)', positiveInt, 5)
  .option('--history-cases <n>', 'cases of history over the past two years, through every channel and outcome (0: none)', nonNegativeInt, DEFAULT_HISTORY_CASES)
  .action(async (opts: { city: string; all?: boolean; seed: number; gridsPerCommunity: number; historyCases: number }) => {
    if (!opts.all && !CITIES.includes(opts.city as CityKey)) throw new InvalidArgumentError(`--city must be one of ${CITIES.join(', ')}`);
    const cities = opts.all ? [...CITIES] : [opts.city as CityKey];
    await withInstance(async ({ env }) => {
      const bar = progressBar();
      const result = await seedDemo(env, { cities, seed: opts.seed, gridsPerCommunity: opts.gridsPerCommunity, historyCases: opts.historyCases, onProgress: bar.update });
      bar.stop();
      console.log(`Seeded ${result.units} admin units, ${result.grids} grids and ${result.cases} cases of history. Demo accounts (password "demo"):`);
      for (const a of result.accounts) console.log(`  ${a.username.padEnd(20)} ${a.role.padEnd(20)} ${a.jurisdiction}`);
    });
  });

program.command('import')
  .description('import admin units, grids or grid members from GeoJSON, CSV or XLSX (all or nothing); or, with --all, restore a whole instance')
  .argument('[kind]', 'admin-units | grids | grid-members')
  .argument('[file]', 'the file to import')
  .option('--all <backup>', 'restore everything from a backup made by `shiyu export --all` into a fresh database (with the same secret key)')
  .action(async (kind: string | undefined, file: string | undefined, opts: { all?: string }) => {
    if (opts.all) {
      if (kind) throw new InvalidArgumentError('--all restores a whole instance: give no kind');
      const bar = progressBar();
      const restored = await restoreFromFile(loadConfig(), opts.all, bar.update).finally(() => bar.stop());
      console.log(`Restored ${restored.tables} tables (${restored.rows} rows) and ${restored.files} photo files from ${opts.all}.`);
      return;
    }
    if (!kind || !['admin-units', 'grids', 'grid-members'].includes(kind)) throw new InvalidArgumentError('kind must be admin-units, grids or grid-members');
    if (!file) throw new InvalidArgumentError('name the file to import');
    const content = fs.readFileSync(file);
    await withInstance(async ({ env }) => {
      const rows = await readImportFile(content, detectFormat(content, file));
      const bar = progressBar();
      const accounts = kind === 'grid-members' ? await teamAccountsByUsername(env, { actor: CLI_ACTOR }, memberUsernames(rows)) : undefined;
      const result = await importGeography(env, { actor: CLI_ACTOR }, kind as ImportKind, rows, { accounts, onProgress: (done, total) => bar.update('checking grids', done, total) })
        .finally(() => bar.stop());
      console.log(`Imported ${result.rows} rows: ${result.created} created, ${result.updated} updated, ${result.removed} removed.`);
    });
  });

program.command('export')
  .description('export admin units (CSV) or grids (GeoJSON) in the import format; or, with --all, back up the whole instance')
  .argument('[kind]', 'admin-units | grids')
  .option('--out <file>', 'write to a file instead of standard output')
  .option('--all <backup>', 'every table and photo in one file (gzip-compressed if it ends in .gz), for `shiyu import --all`')
  .action(async (kind: string | undefined, opts: { out?: string; all?: string }) => {
    if (opts.all) {
      if (kind) throw new InvalidArgumentError('--all backs up the whole instance: give no kind');
      await withInstance(async ({ env }) => {
        await sealAudit(env.db, env.auditKey);
        const bar = progressBar();
        const saved = await exportToFile(env, opts.all!, bar.update).finally(() => bar.stop());
        console.error(`Exported ${saved.tables} tables (${saved.rows} rows) and ${saved.files} photo files to ${opts.all}.`);
      });
      return;
    }
    if (!kind || !['admin-units', 'grids'].includes(kind)) throw new InvalidArgumentError('kind must be admin-units or grids');
    const out = opts.out ? fs.createWriteStream(opts.out) : process.stdout;
    await withInstance(async ({ env }) => {
      const write = (chunk: string) => { out.write(chunk); };
      const n = kind === 'grids' ? await exportGridsGeoJson(env, { actor: CLI_ACTOR }, write) : await exportAdminUnitsCsv(env, { actor: CLI_ACTOR }, write);
      if (opts.out) {
        await new Promise((resolve) => (out as fs.WriteStream).end(resolve));
        console.error(`Exported ${n} ${kind} to ${opts.out}.`);
      }
    });
  });

userCommands(program, withInstance, CLI_ACTOR);

const audit = program.command('audit').description('the tamper-evident audit trail');
audit.command('verify')
  .description('seal pending rows, then recompute the whole chain and name any edited, inserted or deleted row')
  .option('--no-seal', 'verify only what is sealed already')
  .action(async (opts: { seal: boolean }) => {
    await withInstance(async ({ env }) => {
      if (opts.seal) await sealAudit(env.db, env.auditKey);
      const bar = progressBar();
      const report = await verifyAudit(env.db, env.auditKey, (done, total) => bar.update('verifying', done, total));
      bar.stop();
      console.log(`Checked ${report.checked} sealed rows; ${report.unsealed} not yet sealed.`);
      for (const p of report.problems) console.log(`  ${p.kind.toUpperCase()}: ${p.message}`);
      console.log(report.ok ? 'The audit chain is intact.' : `The audit chain is broken: ${report.problems.length} problem(s).`);
      if (!report.ok) process.exitCode = 1;
    });
  });

program.command('figures')
  .description("count every case into the figures' daily counts afresh, after a bulk load of cases (writers wait meanwhile)")
  .option('--rebuild', 'required: say you mean it')
  .action(async (opts: { rebuild?: boolean }) => {
    if (!opts.rebuild) throw new InvalidArgumentError('give --rebuild to count every case afresh');
    await withInstance(async ({ env }) => {
      const started = Date.now();
      const counted = await rebuildDailyCounts(env.db);
      console.log(`Counted ${counted} cases into the daily counts in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    });
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ImportRejectedError) {
    console.error(err.message);
    for (const p of err.problems) console.error(`  #${p.index}${p.code ? ` (${p.code})` : ''}: ${p.problems.join('; ')}`);
  } else if (err instanceof AppError || err instanceof InvalidArgumentError) {
    console.error(err.message);
  } else {
    console.error(err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
