import { AppError } from '../core/errors.js';

/**
 * Slows password guessing: after `maxFailures` failed logins within `windowMs` from one
 * address, or against one username, further attempts are refused until the window passes.
 * Successful logins do not count, so a busy office behind one address is not locked out.
 */
export class LoginThrottle {
  private failures = new Map<string, number[]>();

  constructor(private readonly maxFailures = 10, private readonly windowMs = 15 * 60_000) {}

  /** Throws 429 when either key has failed too often. */
  check(ip: string, username: string): void {
    for (const key of [`ip:${ip}`, `user:${username.toLowerCase()}`]) {
      const recent = this.recent(key);
      if (recent.length >= this.maxFailures) {
        const retryAfter = Math.ceil((recent[0] + this.windowMs - Date.now()) / 1000);
        throw new AppError(429, 'too_many_requests', `too many failed sign-ins; try again in ${retryAfter} s`, undefined, { retryAfter });
      }
    }
  }

  fail(ip: string, username: string): void {
    const now = Date.now();
    for (const key of [`ip:${ip}`, `user:${username.toLowerCase()}`]) this.failures.set(key, [...this.recent(key), now]);
    if (this.failures.size > 100_000) this.prune();
  }

  private recent(key: string): number[] {
    const since = Date.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const key of this.failures.keys()) if (this.recent(key).length === 0) this.failures.delete(key);
  }
}
