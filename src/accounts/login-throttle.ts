import { AppError } from '../core/errors.js';

/**
 * Slows password guessing: after `maxFailures` failed logins within `windowMs` against one
 * username, or `maxAddressFailures` from one address, further attempts are refused until the
 * window passes. Successful logins do not count, and an address takes more failures than a
 * username: a 12345 call centre signs in from behind one address, and ten typos across fifty
 * operators must not lock them all out.
 */
export class LoginThrottle {
  private failures = new Map<string, number[]>();

  constructor(private readonly maxFailures = 10, private readonly windowMs = 15 * 60_000, private readonly maxAddressFailures = 5 * maxFailures) {}

  /** Throws 429 when either key has failed too often. */
  check(ip: string, username: string): void {
    for (const [key, max] of [[`ip:${ip}`, this.maxAddressFailures], [`user:${username.toLowerCase()}`, this.maxFailures]] as const) {
      const recent = this.recent(key);
      if (recent.length >= max) {
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
