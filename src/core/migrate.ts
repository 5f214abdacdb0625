import { Migrator, sql } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { Db } from './db.js';

async function migrator(db: Db): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables in any schema unless told which one;
  // tests keep one schema per file in a shared database, so name ours.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: rows[0].schema,
  });
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  return outcome(await (await migrator(db)).migrateToLatest());
}

/** Whether this version of Shiyu knows the migration (a backup from a newer one names one it does not). */
export function knowsMigration(name: string): boolean {
  return name in migrations;
}

/** Builds the schema as it was after the named migration, up or down from where it is (restores use it). */
export async function migrateTo(db: Db, name: string): Promise<string[]> {
  return outcome(await (await migrator(db)).migrateTo(name));
}

function outcome({ error, results }: Awaited<ReturnType<Migrator['migrateToLatest']>>): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
