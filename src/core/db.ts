import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { PGlitePool } from './pglite-pool.js';
import { BoundedPool } from './postgres-pool.js';
import type { DB } from './db.types.js';

export type Db = Kysely<DB>;

/** An open database: the Kysely handle plus how to close it. */
export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

// int8 (counts, ids) and numeric (averages) come back as numbers on both backends;
// dates stay 'YYYY-MM-DD' strings so no time zone shifts a calendar day.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const toNumber = (value: string) => Number(value);

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return toNumber;
    if (oid === DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface OpenOptions {
  databaseUrl?: string;
  /** Data directory of the embedded database; in memory when omitted. */
  pgliteDir?: string;
  /** An already open PGlite instance (tests share one per worker). */
  pglite?: PGlite;
  /** Schema to work in (tests give each file its own). */
  schema?: string;
  poolSize?: number;
  /**
   * PostgreSQL only: the longest a statement may run (ms). The server cancels it then
   * (statement_timeout); one it does not answer at all is given up on a second later. 0 or absent:
   * no bound, for the command line's migrations, imports and backups.
   */
  statementTimeoutMs?: number;
  /** PostgreSQL only: how long to wait for a connection, new or from the pool (default 5 s). */
  connectTimeoutMs?: number;
}

/** How long after PostgreSQL's own statement_timeout the client stops waiting for its answer. */
const SILENCE_GRACE_MS = 1_000;

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const bound = options.statementTimeoutMs ?? 0;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes,
      options: options.schema ? `-c search_path=${options.schema}` : undefined,
      // How long a request waits for a connection, new or from the pool, before it is answered 503:
      // with the database gone, requests queued behind failing connects wait this long.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // A slow statement is cancelled by the server, which keeps the connection usable.
      ...(bound > 0 ? { statement_timeout: bound } : {}),
    });
    // A client losing its server (a database restart) must not crash the process. The pool
    // listens on idle clients only; one checked out (between two queries of a transaction,
    // or as its query fails) emits 'error' with no listener, which kills the process. It is
    // unusable afterwards: its next query fails, and the pool drops it when it is released.
    pool.on('error', () => {});
    // Plans stay PostgreSQL's choice (plan_cache_mode auto): forced generic, every statement with
    // parameters is planned without their values, and a case list's `path LIKE $1` read a whole
    // index instead of one district's part of it (README, Benchmarks).
    pool.on('connect', (client) => { client.on('error', () => {}); });
    const dialect = new PostgresDialect({ pool: new BoundedPool(pool, bound > 0 ? bound + SILENCE_GRACE_MS : 0) });
    const db = new Kysely<DB>({ dialect });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  let pglite = options.pglite;
  const owned = !pglite;
  const unlock = owned && options.pgliteDir ? lockDataDir(options.pgliteDir) : () => {};
  try {
    pglite ??= await createPGlite(options.pgliteDir);
  } catch (err) {
    unlock();
    throw err;
  }
  if (options.schema) await pglite.exec(`set search_path to ${options.schema}`);
  // A shared instance stays open for the next borrower when this handle closes.
  const pool = new PGlitePool(pglite, owned);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'pglite', close: () => db.destroy().finally(unlock) };
}

/**
 * Two processes opening one PGlite data directory would both write its files and
 * corrupt it (PGlite takes no lock of its own). A lock file beside the directory names
 * the process holding it; one left by a process that died is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === String(process.pid)) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(`the embedded database in ${dataDir} is in use by process ${holder}: stop it first, or use PostgreSQL (DATABASE_URL) to run several processes`);
      }
      fs.rmSync(file, { force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts an embedded database, parsing types the way the pg pool does. */
export async function createPGlite(dataDir?: string): Promise<PGlite> {
  if (dataDir) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  return PGlite.create({
    dataDir,
    parsers: { [pgliteTypes.INT8]: toNumber, [pgliteTypes.NUMERIC]: toNumber, [pgliteTypes.DATE]: (v: string) => v },
  });
}

/** True when the database answers a trivial query. */
export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
