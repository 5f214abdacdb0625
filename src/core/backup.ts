import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import zlib from 'node:zlib';
import { sql, type Transaction } from 'kysely';
import { sealAudit } from './audit-chain.js';
import type { Config } from './config.js';
import type { Db } from './db.js';
import type { DB } from './db.types.js';
import type { Env } from './env.js';
import { AppError } from './errors.js';
import { openInstance } from './instance.js';
import { knowsMigration, migrateTo, migrateToLatest } from './migrate.js';

/**
 * A whole instance in one file, for backups and for moving between machines or from the
 * embedded database to PostgreSQL: every table in dependency order (parents first), then the
 * sequences, then the case photos, as JSON lines. Written from one consistent snapshot (a
 * repeatable-read transaction, so servers may keep running on PostgreSQL), read back into a
 * fresh database in one transaction: all of it or nothing.
 *
 *   {"@format":"shiyu-backup","version":1,"migration":…,"keyCheck":…,"tables":[…]}
 *   {"@table":"admin_units","columns":["id",…]}   then one row per line, as to_jsonb gives it
 *   {"@end":"admin_units","rows":2098}
 *   … every table …
 *   {"@sequences":{"case_ticket_seq":20000,…}}
 *   {"@file":"photos/ab/cd/<sha256>.jpg","sha256":…,"data":"<base64>"}   one per file
 *   {"@end":true,"rows":…,"files":…}
 *
 * Lines of the file's own start with `{"@`, which no row does (no column is named so).
 *
 * Personal data stays encrypted and the audit chain keyed: the file is only of use with the
 * instance's secret key, which it does not hold (keyCheck tells whether a key is the right one).
 */

export const BACKUP_FORMAT = 'shiyu-backup';
export const BACKUP_VERSION = 1;

/**
 * Kysely's own bookkeeping: the restoring instance writes its own. The case figures' daily
 * counts and their queue: restoring the cases queues them again, and the folds count them.
 */
const SKIPPED_TABLES = new Set(['kysely_migration', 'kysely_migration_lock', 'case_figure_changes', 'case_daily_counts', 'case_late_closures']);
const FETCH_ROWS = 1000;
/** A batch of restored rows is inserted once it holds this many rows or characters. */
const INSERT_ROWS = 1000;
const INSERT_CHARS = 8 * 1024 * 1024;
/** What a restored file may be named: only photos, as cases.photos.ts stores them. */
const FILE_NAME = /^photos\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}\.[a-z.]{3,16}$/;

interface BackupHeader {
  '@format': string;
  version: number;
  createdAt: string;
  /** The last schema migration the instance had: the restore builds the same schema, then migrates on. */
  migration: string;
  keyCheck: string;
  tables: string[];
}

/** What an export or a restore moved. */
export interface BackupSummary {
  tables: number;
  rows: number;
  files: number;
}

type Conn = Db | Transaction<DB>;

/** Proves a key is the one a backup was made with, without revealing it. */
function keyCheck(env: Env): string {
  return crypto.createHmac('sha256', env.auditKey).update('shiyu backup key check').digest('hex').slice(0, 32);
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A table of the schema: its columns in order, its primary key, and the columns referring to its own rows. */
interface TableInfo {
  name: string;
  columns: string[];
  primaryKey: string[];
  selfReferences: string[];
}

/** The tables of the current schema, parents before the tables that refer to them. */
async function tablesInOrder(db: Conn): Promise<TableInfo[]> {
  const { rows: tables } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') order by c.relname`.execute(db);
  const { rows: columns } = await sql<{ table: string; column: string }>`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = current_schema() and is_generated = 'NEVER' order by table_name, ordinal_position`.execute(db);
  const { rows: keys } = await sql<{ table: string; column: string; kind: string; parent: string }>`
    select c.conrelid::regclass::text as "table", a.attname as "column", c.contype as kind, coalesce(c.confrelid::regclass::text, '') as parent
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    cross join lateral unnest(c.conkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
    where n.nspname = current_schema() and c.contype in ('p', 'f')
    order by c.conname, k.position`.execute(db);
  const bare = (name: string) => name.replace(/^.*\./, '').replace(/"/g, '');
  const info = new Map<string, TableInfo & { parents: Set<string> }>();
  for (const { name } of tables) {
    if (SKIPPED_TABLES.has(name)) continue;
    info.set(name, { name, columns: [], primaryKey: [], selfReferences: [], parents: new Set() });
  }
  for (const c of columns) info.get(c.table)?.columns.push(c.column);
  for (const k of keys) {
    const table = info.get(bare(k.table));
    if (!table) continue;
    if (k.kind === 'p') table.primaryKey.push(k.column);
    else if (bare(k.parent) === table.name) table.selfReferences.push(k.column);
    else table.parents.add(bare(k.parent));
  }
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  const place = (name: string, seen: Set<string>) => {
    const table = info.get(name);
    if (!table || placed.has(name)) return;
    if (seen.has(name)) throw new Error(`the tables ${[...seen].join(', ')} refer to each other in a cycle`);
    seen.add(name);
    for (const parent of [...table.parents].sort()) place(parent, seen);
    placed.add(name);
    ordered.push({ name, columns: table.columns, primaryKey: table.primaryKey, selfReferences: table.selfReferences });
  };
  for (const name of [...info.keys()].sort()) place(name, new Set());
  return ordered;
}

async function latestMigration(db: Conn): Promise<string> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return rows[0]?.name ?? '';
}

/** Every file under DATA_DIR/photos, relative to DATA_DIR (half-written temporaries left out). */
function photoFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'photos');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile() && !d.name.endsWith('.tmp'))
    .map((d) => path.relative(dataDir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * Writes the whole instance to `out` (which the caller ends), from one snapshot of the
 * database; `onProgress` hears of each table and of the files.
 */
export async function writeBackup(env: Env, out: Writable, onProgress?: (stage: string, done: number, total: number) => void): Promise<BackupSummary> {
  const write = async (line: string) => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  };
  const summary: BackupSummary = { tables: 0, rows: 0, files: 0 };
  await env.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    const tables = await tablesInOrder(trx);
    const header: BackupHeader = {
      '@format': BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(),
      migration: await latestMigration(trx), keyCheck: keyCheck(env), tables: tables.map((t) => t.name),
    };
    await write(JSON.stringify(header));
    for (const [i, table] of tables.entries()) {
      onProgress?.('tables', i, tables.length);
      await write(JSON.stringify({ '@table': table.name, columns: table.columns }));
      const order = (table.primaryKey.length ? table.primaryKey : table.columns).map(quote).join(', ');
      await sql.raw(`declare backup_rows no scroll cursor for select to_jsonb(t)::text as r from ${quote(table.name)} t order by ${order}`).execute(trx);
      let rows = 0;
      for (;;) {
        const batch = await sql.raw<{ r: string }>(`fetch ${FETCH_ROWS} from backup_rows`).execute(trx);
        for (const { r } of batch.rows) await write(r);
        rows += batch.rows.length;
        if (batch.rows.length < FETCH_ROWS) break;
      }
      await sql.raw('close backup_rows').execute(trx);
      await write(JSON.stringify({ '@end': table.name, rows }));
      summary.tables += 1;
      summary.rows += rows;
    }
    onProgress?.('tables', tables.length, tables.length);
    // Read after the snapshot was taken, so each is at least as far on as the rows saved.
    const { rows: sequences } = await sql<{ name: string; value: number | null }>`
      select sequencename as name, last_value as value from pg_sequences where schemaname = current_schema()`.execute(trx);
    await write(JSON.stringify({ '@sequences': Object.fromEntries(sequences.map((s) => [s.name, s.value === null ? null : Number(s.value)])) }));
  });
  // Photos are written before their row and never changed, so every row saved has its files by now.
  const files = photoFiles(env.config.dataDir);
  for (const [i, file] of files.entries()) {
    onProgress?.('photos', i, files.length);
    const bytes = await fs.promises.readFile(path.join(env.config.dataDir, file));
    await write(JSON.stringify({ '@file': file, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), data: bytes.toString('base64') }));
  }
  onProgress?.('photos', files.length, files.length);
  summary.files = files.length;
  await write(JSON.stringify({ '@end': true, rows: summary.rows, files: summary.files }));
  return summary;
}

/** A backup that cannot be restored here, and why. */
export class RestoreRefusedError extends AppError {
  constructor(message: string) {
    super(422, 'restore_refused', message);
  }
}

/** The header of a backup, read before anything is opened, so the schema can be built to match it. */
async function readBackupHeader(lines: AsyncIterator<string>): Promise<BackupHeader> {
  const first = await lines.next();
  let header: BackupHeader | undefined;
  try {
    header = first.done ? undefined : (JSON.parse(first.value) as BackupHeader);
  } catch {
    header = undefined;
  }
  if (header?.['@format'] !== BACKUP_FORMAT) throw new RestoreRefusedError('this is not a Shiyu backup (made by `shiyu export --all`)');
  if (header.version !== BACKUP_VERSION) throw new RestoreRefusedError(`this backup has format version ${header.version}; this Shiyu reads version ${BACKUP_VERSION}`);
  return header;
}

/** Lines of a backup file, plain or gzip-compressed (told by its first bytes). */
async function backupLines(file: string): Promise<AsyncIterator<string>> {
  const handle = await fs.promises.open(file, 'r');
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  await handle.close();
  let input: Readable = fs.createReadStream(file);
  if (magic[0] === 0x1f && magic[1] === 0x8b) input = input.pipe(zlib.createGunzip());
  return readline.createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
}

/**
 * Restores a backup into this instance's database, which must be empty (freshly migrated to
 * the backup's schema), in one transaction, and its photos under DATA_DIR. The header has been
 * read from `lines` already.
 */
async function restoreBackup(env: Env, header: BackupHeader, lines: AsyncIterator<string>, onProgress?: (stage: string, done: number, total: number) => void): Promise<BackupSummary> {
  requireKey(env, header);
  const summary: BackupSummary = { tables: 0, rows: 0, files: 0 };
  await env.db.transaction().execute(async (trx) => {
    const tables = new Map((await tablesInOrder(trx)).map((t) => [t.name, t]));
    const missing = header.tables.filter((t) => !tables.has(t));
    if (missing.length) throw new RestoreRefusedError(`this database has no table ${missing.join(', ')}: is it at the backup's schema?`);
    await requireEmpty(trx);

    let table: TableInfo | undefined;
    let columns: string[] = [];
    let batch: string[] = [];
    let batchChars = 0;
    let tableRows = 0;
    // Rows that refer to rows of their own table are inserted without that reference, which is set once all are in.
    let later: Record<string, unknown>[] = [];
    const flush = async () => {
      if (!table || batch.length === 0) return;
      const target = table;
      const list = columns.map(quote).join(', ');
      const values = columns.map((c) => (target.selfReferences.includes(c) ? 'null' : `r.${quote(c)}`)).join(', ');
      await sql`${sql.raw(`insert into ${quote(target.name)} (${list}) overriding system value select ${values} from jsonb_populate_recordset(null::${quote(target.name)}, `)}${`[${batch.join(',')}]`}::jsonb${sql.raw(') r')}`.execute(trx);
      batch = [];
      batchChars = 0;
    };
    const setReferences = async () => {
      if (!table || later.length === 0) return;
      const target = table;
      const keys = target.primaryKey.map((k) => `t.${quote(k)} = r.${quote(k)}`).join(' and ');
      for (let i = 0; i < later.length; i += INSERT_ROWS) {
        const sets = target.selfReferences.map((c) => `${quote(c)} = r.${quote(c)}`).join(', ');
        await sql`${sql.raw(`update ${quote(target.name)} t set ${sets} from jsonb_populate_recordset(null::${quote(target.name)}, `)}${JSON.stringify(later.slice(i, i + INSERT_ROWS))}::jsonb${sql.raw(`) r where ${keys}`)}`.execute(trx);
      }
      later = [];
    };

    let sequences: Record<string, number | null> | undefined;
    let trailer: { rows: number; files: number } | undefined;
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const line = next.value;
      if (line.length === 0) continue;
      if (!line.startsWith('{"@')) {
        if (!table) throw new RestoreRefusedError('the backup is damaged: a row outside any table');
        tableRows += 1;
        batch.push(line);
        batchChars += line.length;
        if (table.selfReferences.length) {
          const row = JSON.parse(line) as Record<string, unknown>;
          if (table.selfReferences.some((c) => row[c] !== null && row[c] !== undefined)) {
            later.push(Object.fromEntries([...table.primaryKey, ...table.selfReferences].map((c) => [c, row[c]])));
          }
        }
        if (batch.length >= INSERT_ROWS || batchChars >= INSERT_CHARS) await flush();
        continue;
      }
      const record = JSON.parse(line) as Record<string, unknown>;
      if (typeof record['@table'] === 'string') {
        const name = record['@table'];
        table = tables.get(name);
        if (!table) throw new RestoreRefusedError(`the backup holds a table ${name} this database does not have`);
        columns = record.columns as string[];
        const unknown = columns.filter((c) => !table!.columns.includes(c));
        if (unknown.length) throw new RestoreRefusedError(`the backup's ${table.name} has columns this database does not: ${unknown.join(', ')}`);
        tableRows = 0;
        onProgress?.('tables', summary.tables, header.tables.length);
      } else if (typeof record['@end'] === 'string') {
        await flush();
        await setReferences();
        if (record['@end'] !== table?.name || record.rows !== tableRows) throw new RestoreRefusedError(`the backup is damaged: table ${record['@end']} should hold ${String(record.rows)} rows, ${tableRows} were read`);
        summary.tables += 1;
        summary.rows += tableRows;
        table = undefined;
      } else if (record['@sequences']) {
        sequences = record['@sequences'] as Record<string, number | null>;
      } else if (typeof record['@file'] === 'string') {
        await restoreFile(env.config.dataDir, { file: record['@file'], sha256: String(record.sha256), data: String(record.data) });
        summary.files += 1;
        onProgress?.('photos', summary.files, summary.files);
      } else if (record['@end'] === true) {
        trailer = record as { rows: number; files: number };
      }
    }
    if (!trailer || trailer.rows !== summary.rows || trailer.files !== summary.files) {
      throw new RestoreRefusedError('the backup file is incomplete (it ends before its last line): nothing was restored');
    }
    for (const [name, value] of Object.entries(sequences ?? {})) {
      if (value !== null) await sql`select setval(${quote(name)}, ${value}, true) where to_regclass(${quote(name)}) is not null`.execute(trx);
    }
    // Whatever the backup said of its sequences, no identity may hand out an id already taken.
    const { rows: identities } = await sql<{ table: string; column: string }>`
      select table_name as "table", column_name as "column" from information_schema.columns
      where table_schema = current_schema() and is_identity = 'YES'`.execute(trx);
    for (const { table: name, column } of identities) {
      await sql`select setval(seq, top) from (
          select pg_get_serial_sequence(${quote(name)}, ${column}) as seq, (select max(${sql.ref(column)}) from ${sql.table(name)}) as top
        ) s where top is not null and top > coalesce(pg_sequence_last_value(seq::regclass), 0)`.execute(trx);
    }
  });
  return summary;
}

/** Refuses a key other than the one the backup was made with: its personal data and audit chain would be unreadable. */
function requireKey(env: Env, header: BackupHeader): void {
  if (header.keyCheck !== keyCheck(env)) {
    throw new RestoreRefusedError('this backup was made with another secret key: restore with the key of the instance it came from (SHIYU_SECRET_KEY, or its DATA_DIR/secret.key)');
  }
}

/** Refuses a database that holds anything: a restore never mixes two instances' rows. */
async function requireEmpty(db: Conn): Promise<void> {
  const occupied: string[] = [];
  for (const { name } of await tablesInOrder(db)) {
    const { rows } = await sql.raw<{ any: boolean }>(`select exists (select 1 from ${quote(name)}) as any`).execute(db);
    if (rows[0].any) occupied.push(name);
  }
  if (occupied.length) throw new RestoreRefusedError(`the database is not empty (${occupied.join(', ')} hold rows): restore into a fresh database`);
}

/**
 * Writes a backup of the instance to `file` (gzip-compressed when it ends in .gz): to a
 * temporary name first, so a failed export never leaves a file that looks whole.
 */
export async function exportToFile(env: Env, file: string, onProgress?: (stage: string, done: number, total: number) => void): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  const out = fs.createWriteStream(partial);
  const finished = new Promise<void>((resolve, reject) => { out.once('finish', resolve); out.once('error', reject); });
  try {
    let sink: Writable = out;
    if (file.endsWith('.gz')) {
      const gzip = zlib.createGzip();
      gzip.pipe(out);
      sink = gzip;
    }
    const summary = await writeBackup(env, sink, onProgress);
    sink.end();
    await finished;
    await fs.promises.rename(partial, file);
    return summary;
  } catch (err) {
    out.destroy();
    await fs.promises.rm(partial, { force: true });
    throw err;
  }
}

/**
 * Restores the backup in `file` into the configured database, which must be empty: builds the
 * schema the backup was made at, loads it in one transaction, then migrates on to this
 * version's schema and seals the audit chain. The secret key must be the one the backup was made with.
 */
export async function restoreFromFile(config: Config, file: string, onProgress?: (stage: string, done: number, total: number) => void): Promise<BackupSummary> {
  const lines = await backupLines(file);
  const header = await readBackupHeader(lines);
  if (!knowsMigration(header.migration)) {
    throw new RestoreRefusedError(`this backup was made by a newer Shiyu (schema ${header.migration}): restore it with that version or a later one`);
  }
  const instance = await openInstance(config, { migrate: false });
  try {
    const { db } = instance.env;
    requireKey(instance.env, header);
    const { rows } = await sql<{ present: boolean }>`select to_regclass('kysely_migration') is not null as present`.execute(db);
    if (rows[0].present) await requireEmpty(db);
    await migrateTo(db, header.migration);
    const summary = await restoreBackup(instance.env, header, lines, onProgress);
    await migrateToLatest(db);
    // Rows the source had not sealed yet join the chain now, with the same key.
    await sealAudit(db, instance.env.auditKey);
    return summary;
  } finally {
    await instance.close();
  }
}

/** Writes one photo file of a backup under DATA_DIR, if its content is what the backup says. */
async function restoreFile(dataDir: string, record: { file: string; sha256: string; data: string }): Promise<void> {
  if (!FILE_NAME.test(record.file)) throw new RestoreRefusedError(`the backup names a file outside the photos: ${record.file}`);
  const bytes = Buffer.from(record.data, 'base64');
  if (crypto.createHash('sha256').update(bytes).digest('hex') !== record.sha256) throw new RestoreRefusedError(`the backup's copy of ${record.file} is damaged`);
  const file = path.join(dataDir, record.file);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  await fs.promises.writeFile(temporary, bytes, { mode: 0o640 });
  await fs.promises.rename(temporary, file);
}
