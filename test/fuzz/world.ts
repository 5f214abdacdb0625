import crypto from 'node:crypto';
import { insertSession } from '../../src/accounts/accounts.repo.js';
import type { Db } from '../../src/core/db.js';
import { sha256 } from '../../src/core/crypto.js';
import type { RecordPools } from './fuzz-request.js';

/**
 * What the harnesses need of a seeded test instance: sessions of its administrator, and records
 * that exist to put in paths, so that requests reach past "not found" into the services.
 */

/** A function answering a fresh administrator's session token each call: a fuzzed request may sign out, or change the password. */
export async function adminSessions(db: Db): Promise<() => Promise<string>> {
  const adminId = (await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id;
  return async () => {
    const token = crypto.randomBytes(32).toString('base64url');
    await insertSession(db, { tokenHash: sha256(token), userId: adminId, expiresAt: new Date(Date.now() + 3600_000), ip: null });
    return token;
  };
}

/** Up to twenty records of each kind the routes name, by the path segment and parameter naming them (see poolKey). */
export async function recordPools(db: Db): Promise<RecordPools> {
  const ids = async (table: 'cases' | 'users' | 'grids' | 'admin_units' | 'case_response_templates' | 'case_photos') =>
    (await db.selectFrom(table).select('id').orderBy('id').limit(20).execute()).map((r) => String(r.id));
  const tickets = (await db.selectFrom('cases').select('ticket_no').limit(20).execute()).map((r) => r.ticket_no);
  const categories = (await db.selectFrom('case_categories').select('code').limit(20).execute()).map((r) => r.code);
  const templates = await ids('case_response_templates');
  return {
    'cases/{id}': await ids('cases'), 'users/{id}': await ids('users'), 'grids/{id}': await ids('grids'), 'admin-units/{id}': await ids('admin_units'),
    'response-templates/{id}': templates, 'response-templates/{templateId}': templates, 'photos/{photoId}': await ids('case_photos'),
    'cases/{ticketNo}': tickets, 'requests/{service_request_id}': tickets, 'case-categories/{code}': categories, 'services/{service_code}': categories,
    'routing-rules/{categoryCode}': categories, '{categoryCode}/{adminUnitId}': await ids('admin_units'),
  };
}
