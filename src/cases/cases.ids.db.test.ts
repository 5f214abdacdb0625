import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabase } from '../../test/db.js';
import type { Db } from '../core/db.js';
import { IntakeIdStock } from './cases.ids.js';

let database: Awaited<ReturnType<typeof testDatabase>>;
let db: Db;

beforeAll(async () => {
  database = await testDatabase();
  db = database.db;
}, 120_000);
afterAll(() => database?.close());

/** The next running number the ticket sequence would hand out, without drawing it. */
async function nextSerial(): Promise<number> {
  const { rows } = await sql<{ n: string }>`select (case when is_called then last_value + 1 else last_value end)::text as n from case_ticket_seq`.execute(db);
  return Number(rows[0].n);
}

describe('the intake id stock', () => {
  it('draws exactly what a quiet server needs, so ticket numbers run on without gaps', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const stock = new IntakeIdStock(db);
      const serials: number[] = [];
      for (let i = 0; i < 3; i++) {
        vi.advanceTimersByTime(60_000); // a case a minute
        const ids = await stock.take(1, 2);
        expect(ids.caseIds).toHaveLength(1);
        expect(ids.eventIds).toHaveLength(2);
        serials.push(...ids.serials);
      }
      expect(serials).toEqual([serials[0], serials[0] + 1, serials[0] + 2]);
      expect(await nextSerial()).toBe(serials[2] + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('draws ahead under load, hands every id out once, and gives up ids kept too long', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const stock = new IntakeIdStock(db);
      const seen = { cases: new Set<number>(), serials: new Set<number>(), events: new Set<number>() };
      const keep = (ids: Awaited<ReturnType<IntakeIdStock['take']>>) => {
        ids.caseIds.forEach((id) => seen.cases.add(id));
        ids.serials.forEach((n) => seen.serials.add(n));
        ids.eventIds.forEach((id) => seen.events.add(id));
      };
      // A hundred cases in a tenth of a second, in batches of ten, two batches at a time.
      for (let round = 0; round < 5; round++) {
        vi.advanceTimersByTime(20);
        (await Promise.all([stock.take(10, 20), stock.take(10, 10)])).forEach(keep);
      }
      expect([seen.cases.size, seen.serials.size, seen.events.size]).toEqual([100, 100, 150]);
      const before = await nextSerial();
      keep(await stock.take(10, 10));
      expect(await nextSerial()).toBe(before); // served from the stock
      expect(seen.serials.size).toBe(110);
      // Three seconds later what is left is too old: the next batch draws afresh.
      vi.advanceTimersByTime(3_000);
      const fresh = await stock.take(1, 1);
      expect(fresh.serials[0]).toBeGreaterThanOrEqual(before);
      expect(await nextSerial()).toBe(fresh.serials[0] + 1);
    } finally {
      vi.useRealTimers();
    }
  });
});
