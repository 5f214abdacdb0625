import crypto from 'node:crypto';
import type { Updateable } from 'kysely';
import { inScope, requireAccess, requireInScope, scopePrefix, type Actor, type RequestContext, type Role } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { CasesTable } from '../core/db.types.js';
import { isDataError } from '../core/batcher.js';
import type { Env } from '../core/env.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import * as geo from '../geo/geo.service.js';
import { departmentsById, departmentsServing } from '../org/org.service.js';
import { resolveActor } from '../accounts/accounts.service.js';
import type { TimeLimit } from './calendar.js';
import { dueUnder, leafCategory, limitOf, takeIn, type TakenCase } from './cases.intake.js';
import { offeredDuplicates, possibleDuplicates } from './cases.duplicates.js';
import { queueCaseNotices } from '../notify/notify.service.js';
import * as repo from './cases.repo.js';
import { caseFilterOf, COUNT_CAP, LIST_WINDOW, type CaseQuery } from './cases.list.js';
import * as listRepo from './cases.list.repo.js';
import { routeCase } from './cases.routing.js';
import { templatedNote } from './cases.templates.js';
import { presentCase, presentReporter } from './cases.view.js';
import { allowedActions, ANSWERING_ACTIONS, nextStatus, OPEN_STATUSES, reporterRating, TRANSITIONS, type Action, type Standing, type Status } from './cases.workflow.js';

export const CHANNELS = ['patrol', 'hotline', 'citizen_app', 'department', 'detection', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];
export const REQUEST_TYPES = ['inquiry', 'help', 'complaint', 'report', 'suggestion'] as const;
export const URGENCIES = ['routine', 'urgent', 'critical'] as const;
export const TRIAGES = ['government', 'community', 'private'] as const;

/** Which staff channel each role takes cases in through; the public channels have their own doors. */
const STAFF_CHANNELS: Record<Channel, Role[]> = {
  patrol: ['grid_worker'],
  hotline: ['dispatcher', 'admin'],
  department: ['department_handler', 'admin'],
  detection: ['admin'],
  citizen_app: [],
  open311: [],
};

export interface NewCase {
  channel: Channel;
  requestType: (typeof REQUEST_TYPES)[number];
  categoryCode?: string;
  triage?: (typeof TRIAGES)[number];
  urgency?: (typeof URGENCIES)[number];
  description: string;
  address?: string;
  location?: { lon: number; lat: number };
  /** Where the case belongs when it has no point (a hotline call with an address). */
  adminUnitId?: number;
  reporter?: { name?: string; phone?: string };
  confidential?: boolean;
}

/**
 * Takes a case in from a staff channel: locates it, numbers it, proposes its route,
 * and, for a grid worker's patrol with a category, registers it at once to her grid.
 * A repeated intake key answers the first case instead of making a second.
 */
export async function createCase(env: Env, ctx: RequestContext, input: NewCase, intakeKey?: string) {
  requireAccess(ctx.actor, 'cases.create');
  const actor = ctx.actor;
  if (!STAFF_CHANNELS[input.channel].includes(actor.role)) {
    throw new ValidationError('channel', `a ${actor.role} cannot take in cases through the ${input.channel} channel`);
  }
  const key = intakeKey ? `${actor.id}:${intakeKey}` : null;
  const fingerprint = key ? crypto.createHash('sha256').update(canonicalJson(input)).digest('base64url') : null;
  if (key) {
    const first = await repo.findCaseByIntakeKey(env.db, key);
    if (first) return { created: false, case: await retriedIntake(env, first, fingerprint) };
  }

  let created: TakenCase;
  try {
    created = await takeIn(env, ctx, {
      input, channel: input.channel, actorId: actor.id, intakeKey: key, intakeFingerprint: fingerprint,
      // A grid worker's own patrol report with a category is registered at once, in her own grid (takeIn checks).
      autoRegister: input.channel === 'patrol' && !!input.categoryCode,
      lookForDuplicates: true,
    });
  } catch (err) {
    // A retry that raced its first attempt: the first one won, answer it.
    const first = key && isDataError(err) ? await repo.findCaseByIntakeKey(env.db, key) : undefined;
    if (first) return { created: false, case: await retriedIntake(env, first, fingerprint) };
    throw err;
  }
  return { created: true, case: { ...(await intakeAnswer(env, created)), possibleDuplicates: offeredDuplicates(env.config, created, created.near, scopePrefix(actor)) } };
}

/**
 * The first case taken in under an intake key, answering a retry of its request. The same key
 * with another request is a key reused by mistake: answering the first case would tell the caller
 * their new report was taken when it was not.
 */
async function retriedIntake(env: Env, first: repo.CaseRow, fingerprint: string | null) {
  if (first.intake_fingerprint !== null && first.intake_fingerprint !== fingerprint) {
    throw new AppError(422, 'idempotency_key_reused',
      `this Idempotency-Key was first used for another request (case ${first.ticket_no}); send a new case under a new key`, 'idempotency-key');
  }
  return intakeAnswer(env, first);
}

/** What intake answers: enough to tell the reporter and the dispatcher where the case stands. */
async function intakeAnswer(env: Env, c: Omit<TakenCase, 'near'>) {
  const proposed = await routeCase(env, c.category_code, c.triage, (await geo.getAdminUnitChain(env, c.admin_unit_id)).map((u) => u.id));
  const grid = c.grid_id === null ? null : (await geo.locatePoint(env, c.lon!, c.lat!))?.grid ?? null;
  return {
    id: c.id,
    ticketNo: c.ticket_no,
    status: c.status,
    grid,
    route: { department: proposed.department && { id: proposed.department.id, name: proposed.department.name }, reason: proposed.reason },
  };
}

/** What the caller is to this case: their role and their relation to it. */
async function standingOf(env: Env, actor: Actor, c: repo.CaseRow): Promise<Standing> {
  const assignments = await repo.activeAssignments(env.db, c.id);
  const lead = assignments.find((a) => a.role === 'lead');
  return {
    role: actor.role,
    leadDepartment: !!lead && actor.departmentId === lead.departmentId,
    gridWorker: actor.role === 'grid_worker' && c.grid_id !== null && await geo.worksGrid(env, actor.id, c.grid_id),
  };
}

/** The case, if the caller may read cases and it lies in their jurisdiction; shared by the module's services. */
export async function visibleCase(env: Env, actor: Actor | null, id: number): Promise<repo.CaseRow> {
  requireAccess(actor, 'cases.read');
  const c = await repo.findCase(env.db, id);
  if (!c) throw new NotFoundError('case');
  requireInScope(actor, c.path, 'case');
  return c;
}

/**
 * The actions the table allows less those the case itself rules out: a registered case closes
 * without being handled only when it is a private matter, answered with advice.
 */
function applicable(c: repo.CaseRow, actions: Action[]): Action[] {
  return c.status === 'registered' && c.triage !== 'private' ? actions.filter((a) => a !== 'close') : actions;
}

/** One case with its timeline and exactly the actions this caller may take now. */
export async function getCase(env: Env, ctx: RequestContext, id: number) {
  requireAccess(ctx.actor, 'cases.read');
  const c = await visibleCase(env, ctx.actor, id);
  const standing = await standingOf(env, ctx.actor, c);
  const actions = applicable(c, allowedActions(c.status as Status, standing));
  const view = await presentCase(env, ctx, c, actions);
  // Whoever may dispatch sees where the catalogue would send it, rules of the area included.
  if (!actions.includes('dispatch')) return view;
  const proposed = await proposedRoute(env, c);
  return { ...view, proposedRoute: { department: proposed.department && { id: proposed.department.id, name: proposed.department.name }, reason: proposed.reason } };
}

/**
 * Where a dispatch without a named department sends a case: the catalogue's department, with the
 * area's rules; for a case handed back, the department the one that transferred it named, and never
 * back to the department that returned it (the dispatcher names that one outright, having read why).
 */
async function proposedRoute(env: Env, c: repo.CaseRow): Promise<{ department: { id: number; name: string } | null; reason: string }> {
  const route = await routeCase(env, c.category_code, c.triage, (await geo.getAdminUnitChain(env, c.admin_unit_id)).map((u) => u.id));
  if (c.status !== 'returned') return route;
  const back = (await repo.caseEvents(env.db, c.id)).findLast((e) => e.action === 'return' || e.action === 'transfer');
  const detail = (back?.detail ?? {}) as { fromDepartmentId?: number | null; suggestedDepartmentId?: number | null };
  if (detail.suggestedDepartmentId) {
    const suggested = (await departmentsById(env, [detail.suggestedDepartmentId])).get(detail.suggestedDepartmentId);
    if (suggested) return { department: { id: detail.suggestedDepartmentId, name: suggested.name }, reason: 'suggested' };
  }
  if (route.department && route.department.id === detail.fromDepartmentId) return { department: null, reason: 'returned' };
  return route;
}

/**
 * The reporter of a case whole, for calling them back or checking on site; audited. A reporter who
 * asked for confidentiality is shown to nobody.
 */
export async function revealReporter(env: Env, ctx: RequestContext, id: number) {
  requireAccess(ctx.actor, 'personal.reveal');
  const c = await visibleCase(env, ctx.actor, id);
  if (c.confidential) throw new AppError(403, 'forbidden', 'the reporter asked to be kept confidential');
  return presentReporter(env, ctx, c);
}

export interface CaseListFilter extends CaseQuery {
  page: number;
  pageSize: number;
}

/**
 * Cases in the caller's jurisdiction, newest first, filtered and paged. The total is exact up to
 * COUNT_CAP matches and on the last page; otherwise `totalExact` is false and `total` a lower bound
 * (README, "The case list").
 */
export async function listCases(env: Env, ctx: RequestContext, f: CaseListFilter) {
  requireAccess(ctx.actor, 'cases.read');
  const filter = await caseFilterOf(env, ctx.actor, f);
  const offset = (f.page - 1) * f.pageSize;
  if (offset >= LIST_WINDOW) {
    throw new ValidationError('page', `pages start within the first ${LIST_WINDOW} cases: narrow the filter, or download them all from /api/v1/cases/export.csv`);
  }
  const [fetched, counted] = await Promise.all([
    listRepo.casePage(env.db, filter, f.pageSize + 1, offset),
    listRepo.countCases(env.db, filter, COUNT_CAP + 1),
  ]);
  const hasMore = fetched.length > f.pageSize;
  const rows = fetched.slice(0, f.pageSize);
  // The last page tells the total exactly, however far the count stopped; a page past the end
  // holds nothing, so every match lies before it and counting up to its start is exact (and short:
  // pages start within LIST_WINDOW).
  const pastEnd = rows.length === 0 && offset > 0 ? await listRepo.countCases(env.db, filter, offset + 1) : null;
  const lastPage = !hasMore && (rows.length > 0 || offset === 0);
  const totalExact = lastPage || (pastEnd !== null ? pastEnd <= offset : counted <= COUNT_CAP);
  const total = lastPage ? offset + rows.length : pastEnd ?? (totalExact ? counted : Math.max(COUNT_CAP, offset + rows.length));
  const departments = await departmentsById(env, rows.map((r) => r.department_id).filter((d): d is number => d !== null));
  const now = Date.now();
  return {
    items: rows.map((c) => ({
      id: c.id, ticketNo: c.ticket_no, version: c.version, status: c.status, channel: c.channel, requestType: c.request_type, categoryCode: c.category_code,
      triage: c.triage, urgency: c.urgency, description: c.description.slice(0, 200), address: c.address, location: c.lon === null ? null : { lon: c.lon, lat: c.lat },
      gridId: c.grid_id, department: c.department_id === null ? null : { id: c.department_id, name: departments.get(c.department_id)?.name ?? null },
      dueAt: c.due_at, overdue: !!c.due_at && c.due_at.getTime() < now && OPEN_STATUSES.has(c.status as Status), createdAt: c.created_at,
    })),
    total,
    totalExact,
    hasMore,
    page: f.page,
    pageSize: f.pageSize,
  };
}

/** What an action may carry besides its name and the version it was decided on. */
export interface ActionInput {
  action: Action;
  version: number;
  note?: string;
  departmentId?: number;
  supportDepartmentIds?: number[];
  categoryCode?: string;
  triage?: (typeof TRIAGES)[number];
  urgency?: (typeof URGENCIES)[number];
  satisfaction?: number;
  mergeIntoId?: number;
  extension?: TimeLimit;
  referTo?: string;
  /** A response template to fill in for this case as the note (cases.templates.ts). */
  templateId?: number;
}

/** A patch to the case and what the timeline should remember of the action. */
interface Effect {
  patch: Updateable<CasesTable>;
  detail?: unknown;
  /** Set when the action's outcome decides the state (a dissatisfied call back reopens). */
  status?: Status;
  assign?: { lead: number; support: number[] } | 'clear';
  /** The case a merge goes into: checked again, locked, inside the action's transaction. */
  mergeInto?: number;
}

type EffectFn = (env: Env, c: repo.CaseRow, input: ActionInput, now: Date, actor: Actor) => Promise<Effect>;

async function dispatchEffect(env: Env, c: repo.CaseRow, input: ActionInput, now: Date, joint: boolean): Promise<Effect> {
  let lead = input.departmentId;
  if (lead === undefined) {
    const route = await proposedRoute(env, c);
    if (route.reason === 'returned') throw new ValidationError('departmentId', 'the catalogued department returned this case; name the departmentId (that one again, if it must)');
    if (!route.department) throw new ValidationError('departmentId', 'no department is catalogued for this category here; name the departmentId');
    lead = route.department.id;
  }
  const support = input.supportDepartmentIds ?? [];
  if (joint && support.length === 0) throw new ValidationError('supportDepartmentIds', 'a joint dispatch names at least one supporting department');
  const serving = await departmentsServing(env, [lead, ...support], c.admin_unit_id);
  for (const [field, id] of [['departmentId', lead] as const, ...support.map((id) => ['supportDepartmentIds', id] as const)]) {
    // One answer for both: a department of another district is not told apart from none.
    if (!serving.has(id)) throw new ValidationError(field, `department ${id} does not exist or does not serve the place of this case`);
  }
  return { patch: { department_id: lead, dispatched_at: now }, assign: { lead, support }, detail: { departmentId: lead, supportDepartmentIds: support } };
}

/** An extension runs on from the due date, or from now for a case already late. */
function extensionStart(c: repo.CaseRow): Date {
  return c.due_at && c.due_at.getTime() > Date.now() ? c.due_at : new Date();
}

/** What each action does to the case beyond its change of state. */
const EFFECTS: Partial<Record<Action, EffectFn>> = {
  async register(env, c, input, now) {
    const code = input.categoryCode ?? c.category_code;
    if (!code) throw new ValidationError('categoryCode', 'registering a case needs its category');
    const category = await leafCategory(env, code);
    const urgency = input.urgency ?? c.urgency;
    const triage = input.triage ?? c.triage ?? category.triage;
    const limit = limitOf(category.limits, urgency);
    return {
      patch: { category_code: code, urgency, triage, registered_at: now, due_at: limit ? await dueUnder(env, now, limit, 'categoryCode', `the time limit of category ${code}`) : null },
      detail: { categoryCode: code, urgency, triage },
    };
  },
  dispatch: (env, c, input, now) => dispatchEffect(env, c, input, now, false),
  joint_dispatch: (env, c, input, now) => dispatchEffect(env, c, input, now, true),
  // Which department handed it back, so that a dispatch without a named department does not send it there again.
  async return(_env, c) { return { patch: { department_id: null }, assign: 'clear', detail: { fromDepartmentId: c.department_id } }; },
  async transfer(_env, c, input) { return { patch: { department_id: null }, assign: 'clear', detail: { fromDepartmentId: c.department_id, suggestedDepartmentId: input.departmentId ?? null } }; },
  async request_extension(env, c, input) {
    if (!input.extension) throw new ValidationError('extension', 'say how much more time is needed');
    // Asked for, it must be something the dispatcher can grant.
    await dueUnder(env, extensionStart(c), input.extension, 'extension');
    return { patch: {}, detail: { extension: input.extension } };
  },
  async extend(env, c, input) {
    if (!input.extension) throw new ValidationError('extension', 'say how much more time is granted');
    const due = await dueUnder(env, extensionStart(c), input.extension, 'extension');
    return { patch: { due_at: due, extension_count: c.extension_count + 1 }, detail: { extension: input.extension, dueAt: due } };
  },
  async verify_fail(_env, c) { return { patch: { reopen_count: c.reopen_count + 1 } }; },
  async reopen(_env, c) { return { patch: { reopen_count: c.reopen_count + 1, closed_at: null } }; },
  async callback(_env, c, input) {
    // The reporter rated the outcome already: the call back keeps their rating unless it records another.
    const rated = reporterRating(c.satisfaction, c.rating_comment !== null);
    if (input.satisfaction === undefined && rated !== null) return { patch: {}, detail: { satisfaction: rated, byReporter: true } };
    if (input.satisfaction === undefined) throw new ValidationError('satisfaction', 'record how satisfied the reporter is, 1 to 5');
    // A dissatisfied reporter reopens the case, and it counts against the department.
    if (input.satisfaction <= 2) return { patch: { satisfaction: input.satisfaction, reopen_count: c.reopen_count + 1 }, status: 'in_progress', detail: { satisfaction: input.satisfaction, reopened: true } };
    return { patch: { satisfaction: input.satisfaction }, detail: { satisfaction: input.satisfaction } };
  },
  async close(_env, _c, _input, now) {
    return { patch: { closed_at: now } };
  },
  async merge(env, c, input, now, actor) {
    if (input.mergeIntoId === undefined || input.mergeIntoId === c.id) throw new ValidationError('mergeIntoId', 'name the open case to merge into');
    const target = await repo.findCase(env.db, input.mergeIntoId);
    // A case outside the jurisdiction answers as one that does not exist.
    if (!target || !inScope(actor, target.path) || !OPEN_STATUSES.has(target.status as Status)) throw notOpen(input.mergeIntoId);
    return { patch: { merged_into_id: target.id, closed_at: now }, detail: { mergeIntoId: target.id, ticketNo: target.ticket_no }, mergeInto: target.id };
  },
  async escalate(_env, c) { return { patch: { escalation_level: c.escalation_level + 1 }, detail: { level: c.escalation_level + 1 } }; },
  async refer_out(_env, _c, input) { return { patch: { closed_at: new Date() }, detail: { referTo: input.referTo ?? null } }; },
  async reject(_env, _c, _input, now) { return { patch: { closed_at: now } }; },
  async void(_env, _c, _input, now) { return { patch: { closed_at: now } }; },
};

/** Performs one action on a case (see `applyAction`) and answers the case as it now stands. */
export async function act(env: Env, ctx: RequestContext, id: number, input: ActionInput) {
  await applyAction(env, ctx, id, input);
  return getCase(env, ctx, id);
}

/**
 * Performs one action on a case in its own transaction, audited and notified. An action this
 * caller may not take now answers 409 with the ones they may; of two actions decided on the same
 * version exactly one succeeds and the other answers 409 with the case's current version.
 * Answers only the new status and version: bulk actions must not read out each reporter.
 */
export async function applyAction(env: Env, ctx: RequestContext, id: number, input: ActionInput): Promise<{ id: number; status: Status; version: number }> {
  requireAccess(ctx.actor, 'cases.read');
  const actor = ctx.actor;
  const c = await visibleCase(env, actor, id);
  const status = c.status as Status;
  const standing = await standingOf(env, actor, c);
  const allowed = applicable(c, allowedActions(status, standing));
  if (!allowed.includes(input.action)) {
    throw new AppError(409, 'action_not_allowed', `${input.action} is not allowed on a ${status} case for you; allowed: ${allowed.join(', ') || 'none'}`, 'action', { allowedActions: allowed, status });
  }
  if (input.version !== c.version) throw staleVersion(c.version, allowed);
  const transition = TRANSITIONS[input.action];
  if ('needsNote' in transition && transition.needsNote && !input.note?.trim() && input.templateId === undefined) throw new ValidationError('note', `${input.action} needs a note saying why`);
  const now = new Date();
  const effect: Effect = (await EFFECTS[input.action]?.(env, c, input, now, actor)) ?? { patch: {} };
  const to = effect.status ?? nextStatus(input.action, status);
  if (input.templateId !== undefined) input = { ...input, note: await templatedNote(env, actor, c, effect.patch, input.action, input.templateId, input.note) };

  await env.db.transaction().execute(async (trx) => {
    if (effect.mergeInto !== undefined) {
      // Both cases locked in id order: of two cases merged into each other at once, the second
      // merge waits for the first and then finds its target merged.
      const locked = await repo.lockCases(trx, [c.id, effect.mergeInto]);
      const target = locked.find((r) => r.id === effect.mergeInto);
      if (!target || !OPEN_STATUSES.has(target.status as Status)) throw notOpen(effect.mergeInto);
    }
    const applied = await repo.updateCaseAt(trx, c.id, c.version, { ...effect.patch, status: to });
    if (!applied) throw staleVersion(null, allowed);
    if (effect.assign === 'clear') await repo.clearAssignments(trx, c.id);
    else if (effect.assign) await repo.setAssignments(trx, c.id, effect.assign.lead, effect.assign.support);
    const eventId = await repo.insertEvent(trx, { caseId: c.id, actorId: actor.id, actorName: actor.username, action: input.action, fromStatus: status, toStatus: to, note: input.note ?? null, detail: effect.detail });
    await queueCaseNotices(trx, {
      caseId: c.id, eventId, ticketNo: c.ticket_no, path: c.path, action: input.action, fromStatus: status, toStatus: to,
      answer: ANSWERING_ACTIONS.has(input.action) ? input.note ?? null : null,
      reporter: { emailEnc: c.reporter_email_enc, phoneEnc: c.reporter_phone_enc },
      newDepartments: effect.assign && effect.assign !== 'clear' ? [effect.assign.lead, ...effect.assign.support] : [],
      leadDepartment: c.department_id,
    });
    await recordAudit(trx, ctx, {
      action: `case.${input.action}`, targetType: 'case', targetId: c.id, scopePath: c.path,
      before: { status, version: c.version }, after: { status: to, version: c.version + 1, ...(effect.detail ? { detail: effect.detail } : {}), ...(input.templateId ? { templateId: input.templateId } : {}) },
    });
  });
  return { id: c.id, status: to, version: c.version + 1 };
}

function notOpen(id: number): ValidationError {
  return new ValidationError('mergeIntoId', `case ${id} is not an open case`);
}

function staleVersion(current: number | null, allowed: Action[]): AppError {
  return new ConflictError(
    'the case changed since you loaded it; reload it and decide again',
    'version',
    { allowedActions: allowed, ...(current === null ? {} : { version: current }) },
  );
}

/** Open cases that may report the same thing as this one, for the dispatcher to merge. */
export async function duplicatesOf(env: Env, ctx: RequestContext, id: number) {
  requireAccess(ctx.actor, 'cases.read');
  const c = await visibleCase(env, ctx.actor, id);
  return { items: await possibleDuplicates(env, c, scopePrefix(ctx.actor)) };
}

/** The user behind a token given in a query string (EventSource cannot send headers). */
export async function actorFromToken(env: Env, token: string | undefined): Promise<Actor | null> {
  return token ? resolveActor(env, token) : null;
}

/** The live stream is for staff who may read cases. */
export function requireStreamAccess(actor: Actor | null): asserts actor is Actor {
  requireAccess(actor, 'cases.read');
}

/** Who holds a stream's token now, if they may still listen: null once the session or the account has ended. */
export async function streamListener(env: Env, token: string | undefined): Promise<Actor | null> {
  const actor = await actorFromToken(env, token);
  try {
    requireStreamAccess(actor);
    return actor;
  } catch {
    return null;
  }
}
