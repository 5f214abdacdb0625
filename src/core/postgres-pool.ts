import crypto from 'node:crypto';
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * A statement the database did not answer within its bound: answered 503 like any other loss of
 * the database (src/core/http/errors.ts).
 */
export class DatabaseTimeoutError extends Error {
  readonly code = 'DB_TIMEOUT';
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`);
  }
}

/** How a statement asks to be prepared once per connection (`prepared` in sql.ts writes it). */
export const PREPARED_MARK = '/* prepared: ';

/**
 * The name PostgreSQL keeps a marked statement under on each connection: its text's digest, so
 * a name never stands for two texts (node-postgres refuses that) and a new text is a new plan.
 */
export function preparedName(text: string): string | undefined {
  // Statements are written as indented template literals: the mark follows their first newline.
  const start = text.search(/\S/);
  return start >= 0 && text.startsWith(PREPARED_MARK, start) ? `p${crypto.createHash('sha1').update(text).digest('hex').slice(0, 24)}` : undefined;
}

/** What node-postgres rejects a query with when its own query_timeout runs out. */
const READ_TIMEOUT = 'Query read timeout';

/**
 * node-postgres's pool, statements marked `prepared` parsed and planned once per connection, and
 * (with `timeoutMs` above 0) every query given up on after `timeoutMs` even when the database says
 * nothing at all (a frozen server, a host gone silent), where PostgreSQL's own statement_timeout
 * cannot fire. The connection a query was given up on is closed, never reused: its statement may
 * still be running, or be inside a transaction whose ROLLBACK was never sent, and the next borrower
 * would wait behind the one or commit the other's half-done writes with its own.
 */
export class BoundedPool implements PostgresPool {
  constructor(private readonly pool: pg.Pool, private readonly timeoutMs: number) {}

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    let abandoned: DatabaseTimeoutError | null = null;
    const query = async (sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<unknown>> => {
      // After a timeout the rest of a transaction (its ROLLBACK too) fails at once, not after another wait.
      if (abandoned) throw abandoned;
      try {
        // node-postgres takes query_timeout per query; @types/pg does not list it.
        const config = { text: sql, values: [...parameters], name: preparedName(sql), query_timeout: this.timeoutMs || undefined };
        const result = await client.query(config as pg.QueryConfig);
        return result as unknown as PostgresQueryResult<unknown>;
      } catch (err) {
        if ((err as Error).message === READ_TIMEOUT) throw (abandoned = new DatabaseTimeoutError(this.timeoutMs));
        throw err;
      }
    };
    // Released with an error, pg's pool ends the client (cutting its socket when a query hangs on it).
    return { query, release: () => client.release(abandoned ?? undefined) } as PostgresPoolClient;
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
