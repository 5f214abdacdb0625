import { requireAccess, scopePrefix, type Actor, type RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import { perDatabase } from '../core/batcher.js';
import type { Db } from '../core/db.js';
import type { Env } from '../core/env.js';
import { Snapshot } from '../core/snapshot.js';
import * as geo from '../geo/geo.service.js';
import * as repo from './org.repo.js';

/**
 * Departments (职能部门) and the community committees and township offices that
 * cases are dispatched to. Listed to staff within their jurisdiction.
 */
export async function listDepartments(env: Env, ctx: RequestContext) {
  requireAccess(ctx.actor, 'departments.read');
  const prefix = scopePrefix(ctx.actor);
  // A district's staff see their district's departments and the city's above them.
  const ids = prefix === '' ? 'all' as const : await visibleUnitIds(env, ctx.actor.jurisdictionId!, prefix);
  const rows = await repo.listDepartments(env.db, ids);
  const items = [];
  for (const d of rows) items.push({ id: d.id, code: d.code, name: d.name, kind: d.kind, adminUnit: await geo.unitRef(env, d.adminUnitId) });
  return { items };
}

async function visibleUnitIds(env: Env, jurisdictionId: number, prefix: string): Promise<number[]> {
  const below = await geo.unitIdsUnder(env, prefix);
  const above = (await geo.getAdminUnitChain(env, jurisdictionId)).map((u) => u.id);
  return [...new Set([...above, ...below])];
}

/** Departments made by the system itself (the demo seeder), audited as such. */
export async function createSystemDepartments(env: Env, rows: Omit<repo.DepartmentRecord, 'id'>[]): Promise<number[]> {
  const paths = await Promise.all(rows.map((r) => geo.unitPath(env, r.adminUnitId)));
  return env.db.transaction().execute(async (trx) => {
    const ids = await repo.insertDepartments(trx, rows);
    await recordAudit(trx, { actor: null }, rows.map((r, i) => ({
      action: 'department.create', targetType: 'department', targetId: ids[i], scopePath: paths[i], after: r,
    })));
    return ids;
  }).finally(() => directory(env.db).invalidate());
}

/** A department as other modules show it. */
export interface DepartmentRef {
  id: number;
  code: string;
  name: string;
  kind: string;
  adminUnitId: number;
}

/**
 * The department of `kind` nearest a place: the one at the lowest admin unit of `chain`
 * (root first) that has one, as a district's bureau handles its own district before the city's.
 */
export async function nearestDepartment(env: Env, kind: string, chain: number[]): Promise<DepartmentRef | null> {
  const { atUnit } = await directory(env.db).get();
  for (let i = chain.length - 1; i >= 0; i -= 1) {
    const d = atUnit.get(`${kind}@${chain[i]}`);
    if (d) return d;
  }
  return null;
}

/** Departments by id, for other modules' responses. */
export async function departmentsById(env: Env, ids: number[]): Promise<Map<number, DepartmentRef>> {
  const { byId } = await directory(env.db).get();
  const found = new Map<number, DepartmentRef>();
  for (const id of ids) {
    const d = byId.get(id);
    if (d) found.set(id, d);
  }
  return found;
}

/**
 * The departments of `ids` an actor may name (for a user's department, say): those in or above
 * their jurisdiction, as GET /api/v1/departments lists them. Another district's bureau is not one.
 */
export async function departmentsVisibleTo(env: Env, actor: Actor, ids: number[]): Promise<Map<number, DepartmentRef>> {
  const found = await departmentsById(env, ids);
  const prefix = scopePrefix(actor);
  if (found.size === 0 || prefix === '') return found;
  const units = new Set(await visibleUnitIds(env, actor.jurisdictionId!, prefix));
  return new Map([...found].filter(([, d]) => units.has(d.adminUnitId)));
}

/**
 * The departments of `ids` that serve the place of admin unit `unitId`: those of a unit on its
 * chain (itself or above), as a district's bureau serves its district and the city's bureau the
 * whole city. A department elsewhere (another district's) could neither see the case nor be answered for it.
 */
export async function departmentsServing(env: Env, ids: number[], unitId: number): Promise<Map<number, DepartmentRef>> {
  const chain = new Set((await geo.getAdminUnitChain(env, unitId)).map((u) => u.id));
  return new Map([...await departmentsById(env, ids)].filter(([, d]) => chain.has(d.adminUnitId)));
}

/**
 * Every department, held in memory: each intake routes to one, and a city has hundreds,
 * not millions. Another process's additions show within two seconds, this one's at once.
 */
const directory = perDatabase((db: Db) => new Snapshot(() => repo.departmentsRevision(db), async () => {
  const all = await repo.allDepartments(db);
  const atUnit = new Map<string, DepartmentRef>();
  // Should a unit have two of a kind, the older one answers, the same every time.
  for (const d of all.sort((a, b) => a.id - b.id)) {
    if (!atUnit.has(`${d.kind}@${d.adminUnitId}`)) atUnit.set(`${d.kind}@${d.adminUnitId}`, d);
  }
  return { byId: new Map(all.map((d) => [d.id, d])), atUnit };
}));
