import type { Updateable } from 'kysely';
import { can, requireAccess, scopePrefix, type Actor, type RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import type { CasesTable } from '../core/db.types.js';
import type { Env } from '../core/env.js';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import * as geo from '../geo/geo.service.js';
import { departmentsById } from '../org/org.service.js';
import * as cases from './cases.repo.js';
import { visibleCase } from './cases.service.js';
import * as repo from './cases.templates.repo.js';
import type { Action } from './cases.workflow.js';
import { PLACEHOLDERS } from './cases.contract.js';

/**
 * Response templates (回复模板, 常用语): standard wording for an action's note or answer, with
 * placeholders filled from the case. A template belongs to an admin unit, or to the whole
 * instance, and serves that unit's subtree: a city's wording is shared down to every district,
 * a district's stays its own. Dispatchers and admins write them for the units in their jurisdiction.
 */

/** What a template may say about the case; nothing personal, so an answer never carries a phone number. */
// What a template may say of its case ({ticketNo}…) lives in cases.contract.ts, which the web app reads too.
export { PLACEHOLDERS };
type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER = /\{([^{}]*)\}/g;

export interface TemplateInput {
  title: string;
  body: string;
  actions: Action[];
  /** Only cases whose category code starts with this; absent for every category. */
  categoryCode?: string;
}

/** The placeholders a body names, each once, in order. */
export function placeholdersIn(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/** Fills a body's placeholders; unknown ones cannot be saved, so they stay as written. */
export function renderTemplate(body: string, values: Record<Placeholder, string>): string {
  return body.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name as Placeholder] : whole));
}

/** 2026年3月5日 14:30, Beijing time (China keeps no daylight saving). */
function beijingTime(at: Date | null): string {
  if (!at) return '';
  const d = new Date(at.getTime() + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

async function valuesFor(env: Env, c: cases.CaseRow): Promise<Record<Placeholder, string>> {
  const [category, departments] = await Promise.all([
    c.category_code ? cases.findCategory(env.db, c.category_code) : undefined,
    departmentsById(env, c.department_id === null ? [] : [c.department_id]),
  ]);
  return {
    ticketNo: c.ticket_no,
    category: category?.name ?? '',
    department: c.department_id === null ? '' : departments.get(c.department_id)?.name ?? '',
    address: c.address ?? '',
    dueAt: beijingTime(c.due_at),
    receivedAt: beijingTime(c.created_at),
  };
}

/** The owner paths whose templates serve a jurisdiction: '' (the instance) and each unit from the root down. */
function pathsAbove(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ['', ...ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`)];
}

/** Shared down to the caller, or owned inside their jurisdiction. */
function visibleTo(actor: Actor, t: repo.TemplateRow): boolean {
  const own = scopePrefix(actor);
  return own.startsWith(t.path) || t.path.startsWith(own);
}

function editableBy(actor: Actor, t: repo.TemplateRow): boolean {
  return can(actor, 'templates.manage') && t.path.startsWith(scopePrefix(actor));
}

async function present(env: Env, actor: Actor, t: repo.TemplateRow) {
  return {
    id: t.id,
    title: t.title,
    body: t.body,
    actions: t.actions,
    categoryCode: t.category_prefix,
    /** The owner unit; null for the whole instance. */
    adminUnit: t.admin_unit_id === null ? null : await geo.unitRef(env, t.admin_unit_id),
    placeholders: placeholdersIn(t.body),
    createdBy: t.created_by_name,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    editable: editableBy(actor, t),
  };
}

/** Refuses what cannot be saved: an unknown placeholder or category. */
async function checked(env: Env, input: TemplateInput): Promise<repo.TemplateWrite> {
  const unknown = placeholdersIn(input.body).filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length) {
    throw new ValidationError('body', `unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')}; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`);
  }
  if (input.categoryCode !== undefined && !(await cases.findCategory(env.db, input.categoryCode))) {
    throw new ValidationError('categoryCode', `there is no category ${input.categoryCode}`);
  }
  return { title: input.title, body: input.body, actions: input.actions, categoryPrefix: input.categoryCode ?? null };
}

/** A template the caller may change: hidden ones answer 404, those shared from above 403. */
async function editable(env: Env, actor: Actor, id: number): Promise<repo.TemplateRow> {
  const t = await repo.findTemplate(env.db, id);
  if (!t || !visibleTo(actor, t)) throw new NotFoundError('response template');
  if (!editableBy(actor, t)) throw new ForbiddenError('this template is shared from above your jurisdiction; only its owners may change it');
  return t;
}

/** Templates serving the caller's jurisdiction (from above it and inside it), nearest owner first. */
export async function listTemplates(env: Env, ctx: RequestContext, f: { action?: Action; categoryCode?: string }) {
  requireAccess(ctx.actor, 'templates.read');
  const own = scopePrefix(ctx.actor);
  const rows = await repo.listTemplates(env.db, { ownerPaths: pathsAbove(own), subtree: own, action: f.action, categoryCode: f.categoryCode });
  return { items: await Promise.all(rows.map((t) => present(env, ctx.actor!, t))) };
}

/** Saves a template owned by `adminUnitId`, by default the caller's own unit (the whole instance for an admin of all). */
export async function createTemplate(env: Env, ctx: RequestContext, input: TemplateInput & { adminUnitId?: number }) {
  requireAccess(ctx.actor, 'templates.manage');
  const actor = ctx.actor;
  const own = scopePrefix(actor);
  const adminUnitId = input.adminUnitId ?? actor.jurisdictionId;
  const path = adminUnitId === null ? '' : await geo.unitPath(env, adminUnitId);
  if (path === null || !path.startsWith(own)) throw new ValidationError('adminUnitId', 'adminUnitId is not an admin unit in your jurisdiction');
  const write = await checked(env, input);
  const id = await env.db.transaction().execute(async (trx) => {
    const id = await repo.insertTemplate(trx, { ...write, adminUnitId, path, createdBy: actor.id });
    await recordAudit(trx, ctx, { action: 'response_template.create', targetType: 'response_template', targetId: id, scopePath: path, after: { ...write, adminUnitId } });
    return id;
  });
  return present(env, actor, (await repo.findTemplate(env.db, id))!);
}

/** Replaces a template's title, body, actions and category; its owner stays. */
export async function updateTemplate(env: Env, ctx: RequestContext, id: number, input: TemplateInput) {
  requireAccess(ctx.actor, 'templates.manage');
  const before = await editable(env, ctx.actor, id);
  const write = await checked(env, input);
  await env.db.transaction().execute(async (trx) => {
    if (!(await repo.updateTemplate(trx, id, write))) throw new NotFoundError('response template');
    await recordAudit(trx, ctx, {
      action: 'response_template.update', targetType: 'response_template', targetId: id, scopePath: before.path,
      before: { title: before.title, body: before.body, actions: before.actions, categoryPrefix: before.category_prefix }, after: write,
    });
  });
  return present(env, ctx.actor, (await repo.findTemplate(env.db, id))!);
}

/** Withdraws a template; notes already written from it keep their text. */
export async function deleteTemplate(env: Env, ctx: RequestContext, id: number): Promise<void> {
  requireAccess(ctx.actor, 'templates.manage');
  const before = await editable(env, ctx.actor, id);
  await env.db.transaction().execute(async (trx) => {
    if (!(await repo.deleteTemplate(trx, id))) throw new NotFoundError('response template');
    await recordAudit(trx, ctx, { action: 'response_template.delete', targetType: 'response_template', targetId: id, scopePath: before.path, before: { title: before.title } });
  });
}

/** A template serving this case's area and category; `missing` is what to answer when there is none. */
async function templateFor(env: Env, c: cases.CaseRow, templateId: number, missing: () => AppError): Promise<repo.TemplateRow> {
  const t = await repo.findTemplate(env.db, templateId);
  if (!t || !c.path.startsWith(t.path)) throw missing();
  if (t.category_prefix !== null && !c.category_code?.startsWith(t.category_prefix)) {
    throw new ValidationError('templateId', `template ${t.id} (${t.title}) is for categories under ${t.category_prefix}; this case is ${c.category_code ?? 'not yet categorised'}`);
  }
  return t;
}

/** A template filled in for one case, to read before using it. */
export async function previewTemplate(env: Env, ctx: RequestContext, caseId: number, templateId: number) {
  requireAccess(ctx.actor, 'templates.read');
  const c = await visibleCase(env, ctx.actor, caseId);
  const t = await templateFor(env, c, templateId, () => new NotFoundError('response template'));
  return { templateId: t.id, caseId: c.id, title: t.title, actions: t.actions, text: renderTemplate(t.body, await valuesFor(env, c)) };
}

/**
 * The note of an action taken with a template: the template filled in from the case as the
 * action leaves it (a dispatch names the department it goes to), then the caller's own note,
 * if any, on a line of its own. The template is the standard wording; the note adds what is
 * particular to this case.
 */
export async function templatedNote(env: Env, actor: Actor, c: cases.CaseRow, patch: Updateable<CasesTable>, action: Action, templateId: number, note: string | undefined): Promise<string> {
  requireAccess(actor, 'templates.read');
  const missing = () => new ValidationError('templateId', `response template ${templateId} does not exist or does not serve the area of case ${c.ticket_no}`);
  // Effects set their columns as values of the row's own types (dates as Date), never as text.
  const after = { ...c, ...patch } as cases.CaseRow;
  const t = await templateFor(env, after, templateId, missing);
  if (!t.actions.includes(action)) throw new ValidationError('templateId', `template ${t.id} (${t.title}) is not for ${action}; it fits ${t.actions.join(', ')}`);
  const text = renderTemplate(t.body, await valuesFor(env, after)).trim();
  if (!text) throw new ValidationError('templateId', `template ${t.id} says nothing for case ${c.ticket_no}`);
  return note?.trim() ? `${text}\n${note}` : text;
}
