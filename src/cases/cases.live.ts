import type { Actor } from '../core/access.js';
import type { Db } from '../core/db.js';
import * as repo from './cases.repo.js';

/** One change of a case as the live stream tells it. */
export interface CaseChange {
  eventId: number;
  caseId: number;
  ticketNo: string;
  action: string;
  status: string;
  at: Date;
  path: string;
}

type Listener = (change: CaseChange) => void;

/**
 * An id the sequence handed out but no committed row holds yet is looked for this long: a
 * transaction that drew it may still commit. Ids drawn by transactions that rolled back never
 * turn up, so the wait must end.
 */
const GAP_WAIT_MS = 60_000;
/** At most this many such ids are looked for at once (the oldest are given up first). */
const MAX_GAPS = 10_000;

/**
 * Live case changes for the command centre. Each process polls the timeline table for
 * rows after the last it saw, so a change made by any process reaches every subscriber
 * of every process without a broker; the poll runs only while someone listens.
 *
 * Ids are drawn when a row is written, not when it commits: with several writers (two
 * batches of intakes, two processes) a row with a lower id can commit after one with a
 * higher id was read. So the ids skipped over are remembered and looked for again on each
 * poll until their row turns up or GAP_WAIT_MS passes: each change is told once, none lost.
 */
export class CaseFeed {
  private listeners = new Set<{ prefix: string; listener: Listener }>();
  private lastId: number | null = null;
  /** Ids below lastId not seen yet, with when they were first missed. */
  private gaps = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(private readonly db: Db, private readonly intervalMs = 1000) {}

  /** Listens for changes inside a jurisdiction; answers how to stop. */
  async subscribe(actor: Actor, listener: Listener): Promise<() => void> {
    const entry = { prefix: actor.jurisdictionPath ?? '\u0000', listener };
    if (this.lastId === null) this.lastId = await repo.lastEventId(this.db);
    this.listeners.add(entry);
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    return () => {
      this.listeners.delete(entry);
      if (this.listeners.size > 0) return;
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      // With nobody listening the feed forgets where it was: the next listener hears what
      // happens from then on, not the changes made while nobody listened, told as if new.
      this.lastId = null;
      this.gaps.clear();
    };
  }

  /** Reads what happened since the last poll and hands each change to those who may see it. */
  async poll(): Promise<number> {
    if (this.polling || this.lastId === null) return 0;
    this.polling = true;
    try {
      const now = Date.now();
      for (const [id, since] of this.gaps) {
        if (now - since <= GAP_WAIT_MS && this.gaps.size <= MAX_GAPS) break;
        this.gaps.delete(id);
      }
      const rows = await repo.eventsAfter(this.db, this.lastId, 500, [...this.gaps.keys()]);
      for (const row of rows) {
        if (row.eventId <= this.lastId) {
          if (!this.gaps.delete(row.eventId)) continue;
        } else {
          for (let skipped = Math.max(this.lastId + 1, row.eventId - MAX_GAPS); skipped < row.eventId; skipped++) this.gaps.set(skipped, now);
          this.lastId = row.eventId;
        }
        for (const { prefix, listener } of this.listeners) if (row.path.startsWith(prefix)) listener(row);
      }
      return rows.length;
    } catch {
      // A poll that fails (the database restarting) is simply tried again on the next tick.
      return 0;
    } finally {
      this.polling = false;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
    this.gaps.clear();
  }
}

const feeds = new WeakMap<Db, CaseFeed>();

/** The feed of one database handle (each app has its own). */
export function caseFeed(db: Db): CaseFeed {
  let feed = feeds.get(db);
  if (!feed) feeds.set(db, (feed = new CaseFeed(db)));
  return feed;
}
