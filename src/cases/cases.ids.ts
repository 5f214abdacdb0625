import type { Db } from '../core/db.js';
import * as repo from './cases.repo.js';

/** Ids drawn longer ago than this are given up: the live feed expects a drawn id to commit soon. */
const MAX_AGE_MS = 2_000;
/** A draw takes what this long of the current intake rate needs, beyond the batch at hand. */
const AHEAD_MS = 250;
/** …and never more than this many cases' worth, so a lull wastes few ticket numbers. */
const MAX_AHEAD = 256;
/** The intake rate is counted over at most this long. */
const RATE_WINDOW_MS = 1_000;

export interface IntakeIds {
  caseIds: number[];
  serials: number[];
  eventIds: number[];
}

/**
 * The ids of new cases, their ticket numbers' running numbers and their timeline entries'
 * ids, drawn from the database's sequences a little ahead of need.
 *
 * Drawing costs a round trip and, every few dozen values, a commit that waits for the disk
 * (nextval logs ahead and its transaction must be durable). Under load a batch of intakes
 * would pay that on top of its own write; with a stock, one draw serves a quarter of a second
 * of intakes. A quiet server draws exactly what each batch needs, as before, so ticket
 * numbers do not jump when traffic is light.
 */
export class IntakeIdStock {
  private stock: IntakeIds = { caseIds: [], serials: [], eventIds: [] };
  private drawnAt = 0;
  private taken = 0;
  private countingSince = Date.now();

  constructor(private readonly db: Db) {}

  async take(cases: number, events: number): Promise<IntakeIds> {
    const now = Date.now();
    if (now - this.countingSince > RATE_WINDOW_MS) {
      this.taken = 0;
      this.countingSince = now;
    }
    this.dropStale();
    if (this.stock.caseIds.length < cases || this.stock.eventIds.length < events) {
      // Ahead by the rate of the current window, before this batch: a lone case draws only itself.
      const rate = this.taken / Math.max(AHEAD_MS, now - this.countingSince);
      const ahead = Math.min(MAX_AHEAD, Math.floor(rate * AHEAD_MS));
      const drawn = await repo.drawIntakeIds(this.db, cases + ahead, events + 2 * ahead);
      // Another batch may have drawn meanwhile: whatever is left of both stays in stock.
      this.dropStale();
      this.stock.caseIds.push(...drawn.caseIds);
      this.stock.serials.push(...drawn.serials);
      this.stock.eventIds.push(...drawn.eventIds);
      this.drawnAt = Date.now();
    }
    this.taken += cases;
    return {
      caseIds: this.stock.caseIds.splice(0, cases),
      serials: this.stock.serials.splice(0, cases),
      eventIds: this.stock.eventIds.splice(0, events),
    };
  }

  private dropStale(): void {
    if (Date.now() - this.drawnAt > MAX_AGE_MS) this.stock = { caseIds: [], serials: [], eventIds: [] };
  }
}
