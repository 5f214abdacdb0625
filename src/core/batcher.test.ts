import { describe, expect, it } from 'vitest';
import { isDataError, MicroBatcher } from './batcher.js';

function conflict(): Error {
  return Object.assign(new Error('duplicate key'), { code: '23505' });
}

describe('MicroBatcher', () => {
  it('runs items submitted in the same turn as one batch and answers each its own result', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(async (xs) => {
      batches.push(xs);
      return xs.map((x) => x * 10);
    }, { maxSize: 100, maxInFlight: 1, retrySingly: isDataError });
    const results = await Promise.all([1, 2, 3].map((x) => b.submit(x)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('queues what arrives while a batch runs into the next batch, up to maxSize', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, number>(async (xs) => {
      batches.push(xs);
      if (batches.length === 1) await gate;
      return xs;
    }, { maxSize: 2, maxInFlight: 1, retrySingly: isDataError });
    const first = b.submit(0);
    await new Promise((r) => setImmediate(r));
    const rest = [1, 2, 3, 4, 5].map((x) => b.submit(x));
    release();
    expect(await Promise.all([first, ...rest])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches).toEqual([[0], [1, 2], [3, 4], [5]]);
  });

  it('retries a batch one by one after a data error, so only the culprit fails', async () => {
    const b = new MicroBatcher<number, number>(async (xs) => {
      if (xs.includes(2)) throw conflict();
      return xs;
    }, { maxSize: 10, maxInFlight: 1, retrySingly: isDataError });
    const settled = await Promise.allSettled([1, 2, 3].map((x) => b.submit(x)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('fails the whole batch on any other error, since its commit may have happened', async () => {
    let runs = 0;
    const b = new MicroBatcher<number, number>(async () => {
      runs += 1;
      throw new Error('connection terminated');
    }, { maxSize: 10, maxInFlight: 1, retrySingly: isDataError });
    const settled = await Promise.allSettled([1, 2, 3].map((x) => b.submit(x)));
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(runs).toBe(1);
  });

  it('refuses a run that answers the wrong number of results', async () => {
    const b = new MicroBatcher<number, number>(async () => [], { maxSize: 10, maxInFlight: 1, retrySingly: () => false });
    await expect(b.submit(1)).rejects.toThrow(/answered 0 results/);
  });
});

describe('isDataError', () => {
  it('knows data and constraint errors from connection errors', () => {
    expect(isDataError(conflict())).toBe(true);
    expect(isDataError(Object.assign(new Error(), { code: '22P02' }))).toBe(true);
    expect(isDataError(Object.assign(new Error(), { code: '08006' }))).toBe(false);
    expect(isDataError(new Error('ECONNRESET'))).toBe(false);
    expect(isDataError(null)).toBe(false);
  });
});
