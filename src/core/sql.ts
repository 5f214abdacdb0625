import { sql, type RawBuilder } from 'kysely';
import { PREPARED_MARK } from './postgres-pool.js';

/** Escapes LIKE's wildcards so a search for "50%" finds "50%". */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Put first in a statement run often with the same text: on PostgreSQL it is then parsed once per
 * connection (a named statement) instead of each time, and planned once too when PostgreSQL finds
 * a plan for any parameters as good as those it makes for each (it tries five first). Only for
 * statements whose plan cannot go wrong as tables grow, or whose `label` changes as they do:
 * PostgreSQL keeps the plan it settled on. The embedded PGlite reads it as the comment it is.
 */
export function prepared(label: string): RawBuilder<unknown> {
  if (label.includes('*/')) throw new Error('a prepared statement label cannot close its comment');
  return sql.raw(`${PREPARED_MARK}${label} */ `);
}
