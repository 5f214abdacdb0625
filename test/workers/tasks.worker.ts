/** A worker file for off-thread.test.ts: tasks that answer, report progress, fail and die. */
import { threadId } from 'node:worker_threads';
import { serveTasks } from '../../src/core/off-thread.js';

serveTasks({
  whereAmI: () => threadId,
  sum: (numbers: number[], progress) => {
    let total = 0;
    numbers.forEach((n, i) => {
      total += n;
      progress(i + 1, numbers.length);
    });
    return total;
  },
  spin: (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) { /* holding this thread, not the caller's */ }
    return ms;
  },
  fail: (message: string) => {
    throw new RangeError(message);
  },
  die: () => process.exit(3),
});
