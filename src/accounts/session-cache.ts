/**
 * Who is behind each session token, remembered for a second.
 *
 * Every authenticated request asks; under load that was a database round trip per request
 * (batched, but still a turn through the pool and PostgreSQL, a few milliseconds of each
 * request's time). A second is short enough that a session ended by another server process
 * stops working there almost at once; in this process, ending a session or changing a user
 * forgets everything at once (`forgetAll`).
 *
 * A lookup that was under way while something was forgotten may carry the old answer: it is
 * used for its own request but not remembered (the generation check).
 */
export class SessionCache<T> {
  private entries = new Map<string, { value: T; until: number }>();
  private generation = 0;

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000, private readonly now = () => Date.now()) {}

  /** The remembered answer for a token hash, or undefined when there is none or it is stale. */
  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** The generation a lookup starts in: pass it back to `set` with the answer. */
  begin(): number {
    return this.generation;
  }

  /** Remembers an answer found in generation `since`, no longer than `expiresAt` (the session's own end). */
  set(key: string, value: T, since: number, expiresAt?: Date): void {
    if (since !== this.generation) return;
    const now = this.now();
    if (this.entries.size >= this.maxEntries) this.sweep(now);
    // Still full of live sessions: a lookup each is what happens without the cache anyway.
    if (this.entries.size >= this.maxEntries) return;
    this.entries.set(key, { value, until: Math.min(now + this.ttlMs, expiresAt?.getTime() ?? Infinity) });
  }

  /** Forgets every session: a session was ended or a user changed. */
  forgetAll(): void {
    this.generation += 1;
    this.entries.clear();
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.until <= now) this.entries.delete(key);
  }
}
