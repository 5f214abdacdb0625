import path from 'node:path';
import { auditKey } from './audit-chain.js';
import type { Config } from './config.js';
import { Cipher, loadKey } from './crypto.js';
import { openDatabase, type Database } from './db.js';
import type { Env } from './env.js';
import { migrateToLatest } from './migrate.js';

/** An opened Shiyu instance: its database migrated and its keys loaded. */
export interface Instance {
  env: Env;
  database: Database;
  close(): Promise<void>;
}

/**
 * Opens the configured database (PGlite under DATA_DIR unless DATABASE_URL is set) and migrates it.
 * `bounded`: the handle serves requests, so on PostgreSQL each statement is bounded by
 * DB_STATEMENT_TIMEOUT_MS. The command line's own work (migrations, imports, backups) is not.
 */
export async function openInstance(config: Config, options: { migrate?: boolean; bounded?: boolean } = {}): Promise<Instance> {
  const key = loadKey(config.secretKey, config.dataDir);
  const open = (statementTimeoutMs: number) => openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    poolSize: config.poolSize,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    statementTimeoutMs,
  });
  const bound = options.bounded && config.databaseUrl ? config.dbStatementTimeoutMs : 0;
  let database = await open(0);
  try {
    // A migration may rewrite a table of millions of cases: it runs before the bound applies.
    if (options.migrate !== false) await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  if (bound > 0) {
    await database.close();
    database = await open(bound);
  }
  const env: Env = { db: database.db, config, cipher: new Cipher(key), auditKey: auditKey(key) };
  const opened = database;
  return { env, database: opened, close: () => opened.close() };
}
