import type { Env } from '../core/env.js';
import { departmentsById, nearestDepartment, type DepartmentRef } from '../org/org.service.js';
import { catalogue } from './cases.catalogue.js';

/** Where a case goes, and why, so the dispatcher can see the reasoning. */
export interface Route {
  department: DepartmentRef | null;
  reason: 'rule' | 'category' | 'community' | 'private' | 'none';
  /** Where the deciding rule is set, when a rule decides. */
  ruleAdminUnitId?: number;
}

/**
 * The dispatch catalogue (派单目录), FixMyStreet-style: a rule for the category at the
 * nearest admin unit wins (rules are inherited down the tree); without one, the nearest
 * department of the kind the category names. Community matters go to the community
 * committee; private ones to nobody: they are answered with advice and closed.
 */
export async function routeCase(env: Env, categoryCode: string | null, triage: string | null, chain: number[]): Promise<Route> {
  if (triage === 'private') return { department: null, reason: 'private' };
  if (triage === 'community') {
    const committee = await nearestDepartment(env, 'community_committee', chain);
    return committee ? { department: committee, reason: 'community' } : { department: null, reason: 'none' };
  }
  if (!categoryCode) return { department: null, reason: 'none' };
  const known = await catalogue(env);
  const rule = known.rule(categoryCode, chain);
  if (rule) {
    const department = (await departmentsById(env, [rule.departmentId])).get(rule.departmentId) ?? null;
    return { department, reason: 'rule', ruleAdminUnitId: rule.adminUnitId };
  }
  const category = known.category(categoryCode);
  if (!category?.department_kind) return { department: null, reason: 'none' };
  const kind = category.department_kind === 'community' ? 'community_committee' : category.department_kind;
  const department = await nearestDepartment(env, kind, chain);
  return { department, reason: department ? 'category' : 'none' };
}
