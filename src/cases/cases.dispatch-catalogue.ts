import { requireAccess, scopePrefix, type Actor, type RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import type { Env } from '../core/env.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import * as geo from '../geo/geo.service.js';
import { departmentsById, departmentsServing } from '../org/org.service.js';
import { catalogueChanged } from './cases.catalogue.js';
import { leafCategory } from './cases.intake.js';
import * as repo from './cases.repo.js';
import { routeCase } from './cases.routing.js';

/**
 * The dispatch catalogue (派单目录) as administrators keep it: which department a category goes
 * to at an admin unit and everything under it, where a case would go now and why, and
 * removing a rule so that the unit above (or the category's department kind) decides again.
 */

/** An admin unit of the caller's jurisdiction, or a 400 naming the field. */
async function unitInScope(env: Env, actor: Actor, id: number) {
  const path = await geo.unitPath(env, id);
  if (path === null || !path.startsWith(scopePrefix(actor))) throw new ValidationError('adminUnitId', 'adminUnitId is not an admin unit in your jurisdiction');
  return path;
}

/** The rules set at units of the caller's jurisdiction, for one category or all, by category then unit. */
export async function listRoutingRules(env: Env, ctx: RequestContext, f: { categoryCode?: string }) {
  requireAccess(ctx.actor, 'cases.configure');
  const prefix = scopePrefix(ctx.actor);
  const rules = await repo.routingRules(env.db, f.categoryCode);
  const departments = await departmentsById(env, rules.map((r) => r.departmentId));
  const items = [];
  for (const r of rules) {
    const path = await geo.unitPath(env, r.adminUnitId);
    if (path === null || !path.startsWith(prefix)) continue;
    items.push({ categoryCode: r.categoryCode, adminUnit: await geo.unitRef(env, r.adminUnitId), department: departments.get(r.departmentId) ?? null, updatedAt: r.updatedAt });
  }
  return { items };
}

/** Where a case of a category taken in at a unit would go now, and why: the rule's unit when a rule decides. */
export async function previewRoute(env: Env, ctx: RequestContext, q: { categoryCode: string; adminUnitId: number }) {
  requireAccess(ctx.actor, 'cases.configure');
  const category = await leafCategory(env, q.categoryCode);
  await unitInScope(env, ctx.actor, q.adminUnitId);
  const chain = await geo.getAdminUnitChain(env, q.adminUnitId);
  const route = await routeCase(env, category.code, category.triage, chain.map((u) => u.id));
  return {
    department: route.department && { id: route.department.id, name: route.department.name, kind: route.department.kind },
    reason: route.reason,
    ruleAt: route.ruleAdminUnitId === undefined ? null : chain.find((u) => u.id === route.ruleAdminUnitId) ?? null,
  };
}

/** Sets the department a category goes to at an admin unit and everything under it. */
export async function setRoutingRule(env: Env, ctx: RequestContext, rule: { categoryCode: string; adminUnitId: number; departmentId: number }) {
  requireAccess(ctx.actor, 'cases.configure');
  await leafCategory(env, rule.categoryCode);
  const path = await unitInScope(env, ctx.actor, rule.adminUnitId);
  // The rule holds for the unit and everything below it: its department must serve all of that.
  if (!(await departmentsServing(env, [rule.departmentId], rule.adminUnitId)).has(rule.departmentId)) {
    throw new ValidationError('departmentId', `department ${rule.departmentId} does not exist or does not serve admin unit ${rule.adminUnitId}`);
  }
  await env.db.transaction().execute(async (trx) => {
    const replaced = await repo.upsertRoutingRule(trx, rule.categoryCode, rule.adminUnitId, rule.departmentId);
    await recordAudit(trx, ctx, {
      action: 'routing_rule.set', targetType: 'routing_rule', targetId: `${rule.categoryCode}@${rule.adminUnitId}`, scopePath: path,
      before: replaced === null ? undefined : { ...rule, departmentId: replaced }, after: rule,
    });
  });
  catalogueChanged(env);
  return rule;
}

/** Removes the rule for a category at a unit: the unit above, or the category's department kind, decides again. */
export async function deleteRoutingRule(env: Env, ctx: RequestContext, key: { categoryCode: string; adminUnitId: number }) {
  requireAccess(ctx.actor, 'cases.configure');
  const path = await unitInScope(env, ctx.actor, key.adminUnitId);
  await env.db.transaction().execute(async (trx) => {
    const removed = await repo.deleteRoutingRule(trx, key.categoryCode, key.adminUnitId);
    if (!removed) throw new NotFoundError('routing rule');
    await recordAudit(trx, ctx, { action: 'routing_rule.delete', targetType: 'routing_rule', targetId: `${key.categoryCode}@${key.adminUnitId}`, scopePath: path, before: { ...key, departmentId: removed.departmentId } });
  });
  catalogueChanged(env);
}
