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

/** Opens the configured database (PGlite under DATA_DIR unless DATABASE_URL is set) and migrates it. */
export async function openInstance(config: Config, options: { migrate?: boolean } = {}): Promise<Instance> {
  const key = loadKey(config.secretKey, config.dataDir);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    poolSize: config.poolSize,
  });
  if (options.migrate !== false) await migrateToLatest(database.db);
  const env: Env = { db: database.db, config, cipher: new Cipher(key), auditKey: auditKey(key) };
  return { env, database, close: () => database.close() };
}
