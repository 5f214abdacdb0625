import { requireAccess, type RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import type { Env } from '../core/env.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import type { TimeLimit } from './calendar.js';
import { catalogue, catalogueChanged, type CategoryRow } from './cases.catalogue.js';
import { dueUnder } from './cases.intake.js';
import * as repo from './cases.repo.js';

/** GB/T 30428 practice: major class, subclass, and at most one finer level. */
const MAX_DEPTH = 3;

type Limits = Partial<Record<'routine' | 'urgent' | 'critical', TimeLimit>>;

/** What an administrator may set on a category. */
export interface CategoryChange {
  name?: string;
  nameEn?: string;
  triage?: 'government' | 'community' | 'private' | null;
  departmentKind?: string | null;
  registerCondition?: string | null;
  closeCondition?: string | null;
  limits?: Limits | null;
  active?: boolean;
}

export interface NewCategory extends CategoryChange {
  code: string;
  parentCode?: string;
  name: string;
  nameEn: string;
  kind?: 'event' | 'component' | 'subject';
}

function present(c: CategoryRow) {
  return {
    code: c.code, parentCode: c.parent_code, name: c.name, nameEn: c.name_en, kind: c.kind, triage: c.triage,
    departmentKind: c.department_kind, registerCondition: c.register_condition, closeCondition: c.close_condition, limits: c.limits, active: c.active,
  };
}

/** The whole taxonomy with limits and conditions, for intake forms and the dispatch catalogue. */
export async function listCategories(env: Env, ctx: RequestContext) {
  requireAccess(ctx.actor, 'cases.read');
  return { items: (await catalogue(env)).categories.map(present) };
}

function depthOf(known: Awaited<ReturnType<typeof catalogue>>, code: string): number {
  let depth = 0;
  for (let c = known.category(code); c; c = c.parent_code ? known.category(c.parent_code) : undefined) depth += 1;
  return depth;
}

/** Time limits the calendar can count from now: working days whole, and none beyond its reach. */
async function checkLimits(env: Env, limits: Limits | null | undefined): Promise<void> {
  const now = new Date();
  for (const [urgency, limit] of Object.entries(limits ?? {})) {
    if (limit.unit === 'days' && !Number.isInteger(limit.amount)) {
      throw new ValidationError(`limits.${urgency}.amount`, 'a limit in working days must be a whole number of days');
    }
    await dueUnder(env, now, limit, `limits.${urgency}.amount`);
  }
}

function columns(change: CategoryChange) {
  return {
    ...(change.name !== undefined && { name: change.name }),
    ...(change.nameEn !== undefined && { name_en: change.nameEn }),
    ...(change.triage !== undefined && { triage: change.triage }),
    ...(change.departmentKind !== undefined && { department_kind: change.departmentKind }),
    ...(change.registerCondition !== undefined && { register_condition: change.registerCondition }),
    ...(change.closeCondition !== undefined && { close_condition: change.closeCondition }),
    ...(change.limits !== undefined && { limits: change.limits === null ? null : JSON.stringify(change.limits) }),
    ...(change.active !== undefined && { active: change.active }),
  };
}

/**
 * The taxonomy, its time limits included, is the whole city's: one district's administrator does
 * not change it for the others (she keeps her district's dispatch catalogue). Answers the path the
 * change is audited under, so that the city's auditors read it.
 */
function requireWholeCity(ctx: RequestContext): string {
  requireAccess(ctx.actor, 'cases.configure');
  const path = ctx.actor.jurisdictionPath ?? '';
  if (path.split('/').filter(Boolean).length > 1) {
    throw new ForbiddenError("the categories are the whole city's: ask an administrator of the city to change them");
  }
  return path;
}

/** Adds a category under a class (or a new major class); its cases route by the department kind it names. */
export async function createCategory(env: Env, ctx: RequestContext, input: NewCategory) {
  const scopePath = requireWholeCity(ctx);
  const known = await catalogue(env);
  if (known.category(input.code)) throw new ConflictError(`category ${input.code} already exists`, 'code');
  const parent = input.parentCode === undefined ? undefined : known.category(input.parentCode);
  if (input.parentCode !== undefined && !parent) throw new ValidationError('parentCode', `parentCode ${input.parentCode} is not a known category`);
  if (parent && depthOf(known, parent.code) >= MAX_DEPTH) throw new ValidationError('parentCode', `the taxonomy has at most ${MAX_DEPTH} levels`);
  const kind = input.kind ?? parent?.kind;
  if (!kind) throw new ValidationError('kind', 'a major class needs its kind: event, component or subject');
  if (parent && kind !== parent.kind) throw new ValidationError('kind', `a subclass has its class's kind (${parent.kind})`);
  await checkLimits(env, input.limits);
  await env.db.transaction().execute(async (trx) => {
    await repo.insertCategories(trx, [{ code: input.code, parent_code: parent?.code ?? null, kind, ...columns(input), name: input.name, name_en: input.nameEn }]);
    await recordAudit(trx, ctx, { action: 'category.create', targetType: 'case_category', targetId: input.code, scopePath, after: input });
  });
  catalogueChanged(env);
  return present((await catalogue(env)).category(input.code)!);
}

/** Changes a category's names, triage, department kind, conditions, limits or whether it is offered. */
export async function updateCategory(env: Env, ctx: RequestContext, code: string, change: CategoryChange) {
  const scopePath = requireWholeCity(ctx);
  const before = (await catalogue(env)).category(code);
  if (!before) throw new NotFoundError('category', `no category has the code ${code}`);
  await checkLimits(env, change.limits);
  await env.db.transaction().execute(async (trx) => {
    await repo.updateCategory(trx, code, { ...columns(change), updated_at: new Date() });
    await recordAudit(trx, ctx, { action: 'category.update', targetType: 'case_category', targetId: code, scopePath, before: present(before), after: change });
  });
  catalogueChanged(env);
  return present((await catalogue(env)).category(code)!);
}
