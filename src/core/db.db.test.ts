import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BACKEND } from '../../test/db.js';
import { openDatabase } from './db.js';

describe.skipIf(BACKEND !== 'pglite')('embedded database directory', () => {
  it('refuses a second opening while the first is open, and takes over a dead process’s lock', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shiyu-lock-')), 'pglite');
    const first = await openDatabase({ pgliteDir: dir });
    try {
      await expect(openDatabase({ pgliteDir: dir })).rejects.toThrow(new RegExp(`in use by process ${process.pid}`));
      await sql`create table kept (n int)`.execute(first.db);
      await sql`insert into kept values (42)`.execute(first.db);
    } finally {
      await first.close();
    }
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
    // A process that died holding the lock leaves its number behind; nobody answers to it.
    fs.writeFileSync(`${dir}.lock`, '2147483000');
    const second = await openDatabase({ pgliteDir: dir });
    try {
      const { rows } = await sql<{ n: number }>`select n from kept`.execute(second.db);
      expect(rows).toEqual([{ n: 42 }]);
    } finally {
      await second.close();
    }
    // Two embedded databases are created from scratch here: seconds each, more on a busy machine.
  }, 120_000);
});
