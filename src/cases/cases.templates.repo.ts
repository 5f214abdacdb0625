import { sql, type Selectable, type Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { CaseResponseTemplatesTable, DB } from '../core/db.types.js';
import { escapeLike } from '../core/sql.js';

type Conn = Db | Transaction<DB>;

export type TemplateRow = Selectable<CaseResponseTemplatesTable> & { created_by_name: string | null };

export interface TemplateWrite {
  title: string;
  body: string;
  actions: string[];
  categoryPrefix: string | null;
}

function templates(db: Conn) {
  return db.selectFrom('case_response_templates as t')
    .leftJoin('users as u', 'u.id', 't.created_by')
    .selectAll('t').select('u.username as created_by_name')
    .where('t.deleted_at', 'is', null);
}

export function findTemplate(db: Conn, id: number): Promise<TemplateRow | undefined> {
  return templates(db).where('t.id', '=', id).executeTakeFirst();
}

/**
 * Templates owned at one of `ownerPaths` (the caller's unit and those above it) or anywhere
 * under `subtree`, optionally only those fitting an action and a category; nearest owner first.
 */
export function listTemplates(db: Conn, f: { ownerPaths: string[]; subtree: string; action?: string; categoryCode?: string }): Promise<TemplateRow[]> {
  let q = templates(db).where((eb) => eb.or([eb('t.path', 'in', f.ownerPaths), eb('t.path', 'like', `${escapeLike(f.subtree)}%`)]));
  if (f.action) q = q.where(sql<boolean>`t.actions @> ${JSON.stringify([f.action])}::jsonb`);
  if (f.categoryCode) {
    const code = f.categoryCode;
    q = q.where((eb) => eb.or([eb('t.category_prefix', 'is', null), sql<boolean>`starts_with(${code}, t.category_prefix)`]));
  }
  return q.orderBy(sql`length(t.path)`, 'desc').orderBy('t.title').orderBy('t.id').limit(1000).execute();
}

export async function insertTemplate(db: Conn, t: TemplateWrite & { adminUnitId: number | null; path: string; createdBy: number }): Promise<number> {
  const row = await db.insertInto('case_response_templates').values({
    title: t.title, body: t.body, actions: JSON.stringify(t.actions), category_prefix: t.categoryPrefix,
    admin_unit_id: t.adminUnitId, path: t.path, created_by: t.createdBy,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateTemplate(db: Conn, id: number, t: TemplateWrite): Promise<boolean> {
  const result = await db.updateTable('case_response_templates')
    .set({ title: t.title, body: t.body, actions: JSON.stringify(t.actions), category_prefix: t.categoryPrefix, updated_at: new Date() })
    .where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function deleteTemplate(db: Conn, id: number): Promise<boolean> {
  const result = await db.updateTable('case_response_templates').set({ deleted_at: new Date(), updated_at: new Date() })
    .where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
