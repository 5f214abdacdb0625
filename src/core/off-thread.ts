import { isMainThread, parentPort, Worker } from 'node:worker_threads';

/**
 * Pure, CPU-heavy work on a worker thread, so that the event loop every request waits on stays
 * free: checking a city's grid boundaries takes seconds, and a hotline operator filing a case
 * meanwhile should not wait for it.
 *
 * A module's worker file calls `serveTasks({...})`; the server calls `offThread(url).run(task,
 * input)`. One worker per file, started on first use and stopped once idle; it takes tasks in the
 * order sent, one at a time. Input and output cross threads by structured clone: plain data only (class
 * instances arrive as plain objects). A worker that dies (out of memory, a bug) fails the tasks it
 * held; the next task starts a new worker.
 */

/** What a task may do besides answering: tell how far it has got. */
export type Progress = (done: number, total: number) => void;

type Handler = (input: never, progress: Progress) => unknown;

interface TaskMessage { id: number; task: string; input: unknown }
type ReplyMessage =
  | { id: number; progress: [number, number] }
  | { id: number; result: unknown }
  | { id: number; error: { name: string; message: string } };

/** How long a worker with nothing to do is kept, ready for the next task, before it is stopped. */
const IDLE_MS = 30_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: Progress;
}

export class OffThread {
  private worker: Worker | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly file: URL) {}

  /** Runs `task` of the worker file on `input`; `onProgress` hears the task's progress. */
  run<R>(task: string, input: unknown, onProgress?: Progress): Promise<R> {
    const worker = this.start();
    const id = this.nextId++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    worker.ref();
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress });
      worker.postMessage({ id, task, input } satisfies TaskMessage);
    });
  }

  /** Stops the worker now, failing whatever it still held. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.forget(worker, new Error('the worker thread was stopped'));
    await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // From source (tests, `npm run shiyu`) the worker file is TypeScript: tsx loads it there as it does the rest.
    const worker = this.file.pathname.endsWith('.ts')
      ? new Worker(`import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(this.file.href)}); })`, { eval: true })
      : new Worker(this.file);
    worker.on('message', (message: ReplyMessage) => this.answer(message));
    worker.on('error', (err) => this.forget(worker, new Error(`the worker thread failed: ${err.message}`)));
    worker.on('exit', (code) => this.forget(worker, new Error(`the worker thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private answer(message: ReplyMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if ('progress' in message) {
      pending.onProgress?.(...message.progress);
      return;
    }
    this.pending.delete(message.id);
    if ('error' in message) pending.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
    else pending.resolve(message.result);
    if (this.pending.size === 0) this.idle();
  }

  /** With nothing left to do the worker no longer keeps the process alive, and stops after a while. */
  private idle(): void {
    const worker = this.worker;
    if (!worker) return;
    worker.unref();
    this.idleTimer = setTimeout(() => {
      if (this.worker === worker && this.pending.size === 0) void this.close();
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  private forget(worker: Worker, reason: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const held = [...this.pending.values()];
    this.pending.clear();
    for (const p of held) p.reject(reason);
  }
}

/** tsx's loader as this module finds it, whatever the directory the process started in. */
function tsxApi(): string {
  return import.meta.resolve('tsx/esm/api');
}

const byFile = new Map<string, OffThread>();

/** The one runner of a worker file in this process. */
export function offThread(file: URL): OffThread {
  let runner = byFile.get(file.href);
  if (!runner) {
    runner = new OffThread(file);
    byFile.set(file.href, runner);
  }
  return runner;
}

/** In a worker file: answers the tasks the server sends, one at a time. */
export function serveTasks(handlers: Record<string, Handler>): void {
  if (isMainThread || !parentPort) throw new Error('serveTasks runs in a worker thread');
  const port = parentPort;
  port.on('message', async ({ id, task, input }: TaskMessage) => {
    const progress: Progress = (done, total) => port.postMessage({ id, progress: [done, total] } satisfies ReplyMessage);
    try {
      // Own tasks only: a name such as 'constructor' is not one.
      const handler = Object.hasOwn(handlers, task) ? handlers[task] : undefined;
      if (!handler) throw new Error(`no task ${task} in this worker`);
      port.postMessage({ id, result: await handler(input as never, progress) } satisfies ReplyMessage);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ id, error: { name: e.name, message: e.message } } satisfies ReplyMessage);
    }
  });
}

/**
 * The worker file `name` beside the module at `importMetaUrl`, in that module's own language:
 * `.ts` when running from source, `.js` once built.
 */
export function workerFile(name: string, importMetaUrl: string): URL {
  return new URL(`./${name}${importMetaUrl.endsWith('.ts') ? '.ts' : '.js'}`, importMetaUrl);
}
