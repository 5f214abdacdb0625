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
 * Live case changes for the command centre. Each process polls the timeline table for
 * rows after the last it saw, so a change made by any process reaches every subscriber
 * of every process, in order, without a broker; the poll runs only while someone listens.
 */
export class CaseFeed {
  private listeners = new Set<{ prefix: string; listener: Listener }>();
  private lastId: number | null = null;
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
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** Reads what happened since the last poll and hands each change to those who may see it. */
  async poll(): Promise<number> {
    if (this.polling || this.lastId === null) return 0;
    this.polling = true;
    try {
      const rows = await repo.eventsAfter(this.db, this.lastId, 500);
      for (const row of rows) {
        this.lastId = row.eventId;
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
  }
}

const feeds = new WeakMap<Db, CaseFeed>();

/** The feed of one database handle (each app has its own). */
export function caseFeed(db: Db): CaseFeed {
  let feed = feeds.get(db);
  if (!feed) feeds.set(db, (feed = new CaseFeed(db)));
  return feed;
}
