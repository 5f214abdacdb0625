import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { OffThread } from './off-thread.js';

const file = new URL('../../test/workers/tasks.worker.ts', import.meta.url);
let runner: OffThread;
afterEach(async () => {
  await runner?.close();
});

describe('off-thread tasks', () => {
  it('runs a task on another thread and answers its result', async () => {
    runner = new OffThread(file);
    const where = await runner.run<number>('whereAmI', null);
    expect(where).not.toBe(threadId);
    expect(await runner.run<number>('sum', [1, 2, 3])).toBe(6);
  });

  it('relays the progress a task reports', async () => {
    runner = new OffThread(file);
    const heard: [number, number][] = [];
    expect(await runner.run<number>('sum', [5, 6], (done, total) => heard.push([done, total]))).toBe(11);
    expect(heard).toEqual([[1, 2], [2, 2]]);
  });

  it('keeps the event loop turning while a task holds its thread', async () => {
    runner = new OffThread(file);
    await runner.run('whereAmI', null); // started
    let turns = 0;
    const ticker = setInterval(() => { turns += 1; }, 10);
    try {
      await runner.run('spin', 500);
    } finally {
      clearInterval(ticker);
    }
    // On this thread the 500 ms spin would have allowed none.
    expect(turns).toBeGreaterThan(5);
  });

  it('fails a task that throws with its message, and keeps serving the next', async () => {
    runner = new OffThread(file);
    await expect(runner.run('fail', 'too many positions')).rejects.toMatchObject({ name: 'RangeError', message: 'too many positions' });
    await expect(runner.run('nothing', null)).rejects.toThrow('no task nothing in this worker');
    expect(await runner.run<number>('sum', [2, 2])).toBe(4);
  });

  it('fails the tasks a dying worker held and starts a new worker for the next', async () => {
    runner = new OffThread(file);
    const first = await runner.run<number>('whereAmI', null);
    const queued = runner.run('sum', [1]);
    await expect(runner.run('die', null)).rejects.toThrow('exit code 3');
    // Sent before the death, answered before it too: tasks run in order.
    expect(await queued).toBe(1);
    const second = await runner.run<number>('whereAmI', null);
    expect(second).not.toBe(first);
  });

  it('fails what it still held when closed', async () => {
    runner = new OffThread(file);
    const running = runner.run('spin', 2000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const failed = expect(running).rejects.toThrow('stopped');
    await runner.close();
    await failed;
  });
});
