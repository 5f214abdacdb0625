import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Lets Kysely's own PostgresDialect drive an embedded PGlite database, so the
 * embedded and the production backends share one dialect, compiler and adapter.
 * PGlite is a single connection: the pool hands it to one borrower at a time,
 * which keeps a Kysely transaction from interleaving with other queries.
 */
export class PGlitePool implements PostgresPool {
  private queue: Array<() => void> = [];
  private busy = false;
  private ended = false;

  /** `owned`: closing the pool closes the database (not so for a shared test instance). */
  constructor(readonly pglite: PGlite, private readonly owned = true) {}

  async connect(): Promise<PostgresPoolClient> {
    if (this.ended) throw new Error('the embedded database is closed');
    if (this.busy) await this.waitTurn();
    this.busy = true;
    let released = false;
    return {
      query: (sql: string, parameters: ReadonlyArray<unknown>) => this.run(sql, parameters),
      release: () => {
        if (released) return;
        released = true;
        const next = this.queue.shift();
        if (next) next();
        else this.busy = false;
      },
    } as PostgresPoolClient;
  }

  /**
   * Waits for the connection. A caller that waits very long is almost always code
   * that used the database handle inside its own transaction, which can never finish:
   * fail loudly instead of hanging (or letting Node exit with nothing left to run).
   */
  private waitTurn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.queue = this.queue.filter((r) => r !== turn);
        reject(new Error('the embedded database stayed busy for 60 s: is the database handle used inside its own transaction?'));
      }, 60_000);
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      this.queue.push(turn);
    });
  }

  private async run(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<unknown>> {
    const result = await this.pglite.query(sql, parameters as unknown[]);
    // pg reports the command tag, which Kysely uses to read affected row counts.
    const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() as PostgresQueryResult<unknown>['command'];
    return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
  }

  async end(): Promise<void> {
    if (this.ended) return;
    // Wait for the current borrower so an in-flight transaction finishes before close.
    if (this.busy) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.ended = true;
    if (this.owned) await this.pglite.close();
  }
}
