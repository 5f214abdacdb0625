/**
 * Gathers work that arrives at about the same time into one batch, so a burst of N
 * requests costs a few database round trips instead of N times as many.
 *
 * Nothing waits on a timer: a batch starts on the next turn of the event loop, and
 * while `maxInFlight` batches are running, new items queue and form the next, larger
 * batch. A lone request is therefore never delayed, and a busy server batches itself.
 *
 * When a batch of several items fails because of what one of them holds (a unique-key
 * conflict, say), each item is run again on its own, so the culprit fails alone and the
 * others still go through. Any other failure (a lost connection, when a commit may or may
 * not have happened) fails the whole batch: running it again could write twice.
 */
export class MicroBatcher<In, Out> {
  private queue: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly options: { maxSize: number; maxInFlight: number; retrySingly: (err: unknown) => boolean },
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxSize);
      this.inFlight += 1;
      void this.execute(batch).finally(() => {
        this.inFlight -= 1;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async execute(batch: MicroBatcher<In, Out>['queue']): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${results.length} results`);
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1 || !this.options.retrySingly(err)) {
        for (const b of batch) b.reject(err);
        return;
      }
      // One at a time, so the culprit fails alone.
      await Promise.all(batch.map(async (b) => {
        try {
          b.resolve((await this.run([b.item]))[0]);
        } catch (single) {
          b.reject(single);
        }
      }));
    }
  }
}

/**
 * PostgreSQL errors caused by the data of a statement (classes 22 and 23: bad values,
 * constraint violations). The transaction surely rolled back, so its items may be retried.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

/** One batcher per database handle, made on first use: tests open many databases in one process. */
export function perDatabase<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, V>();
  return (key) => {
    let value = made.get(key);
    if (!value) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}
