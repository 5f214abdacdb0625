import { describe, expect, it } from 'vitest';
import { SessionCache } from './session-cache.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('SessionCache', () => {
  it('remembers an answer for its time to live and no longer', () => {
    const c = clock();
    const cache = new SessionCache<string>(1_000, 10, c.now);
    cache.set('a', 'alice', cache.begin());
    expect(cache.get('a')).toBe('alice');
    c.advance(999);
    expect(cache.get('a')).toBe('alice');
    c.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('never past the session’s own end', () => {
    const c = clock();
    const cache = new SessionCache<string>(1_000, 10, c.now);
    cache.set('a', 'alice', cache.begin(), new Date(c.now() + 200));
    c.advance(200);
    expect(cache.get('a')).toBeUndefined();
  });

  it('forgets everything at once, and drops answers of lookups that were under way meanwhile', () => {
    const cache = new SessionCache<string>(1_000);
    cache.set('a', 'alice', cache.begin());
    const underWay = cache.begin();
    cache.forgetAll();
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', 'bob (as before the change)', underWay);
    expect(cache.get('b')).toBeUndefined();
    cache.set('b', 'bob', cache.begin());
    expect(cache.get('b')).toBe('bob');
  });

  it('stays within its size, making room from stale entries first', () => {
    const c = clock();
    const cache = new SessionCache<number>(1_000, 2, c.now);
    cache.set('a', 1, cache.begin());
    cache.set('b', 2, cache.begin());
    cache.set('c', 3, cache.begin());
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, 2, undefined]);
    c.advance(1_000);
    cache.set('c', 3, cache.begin());
    expect(cache.get('c')).toBe(3);
  });
});
