import crypto from 'node:crypto';
import type { RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import { sha256 } from '../core/crypto.js';
import type { Env } from '../core/env.js';
import { AppError, NotFoundError, ValidationError } from '../core/errors.js';
import { departmentsById } from '../org/org.service.js';
import { catalogue } from './cases.catalogue.js';
import { publicPhotosOf } from './cases.photos.js';
import * as repo from './cases.repo.js';
import { holdsSecret, shownPublicly } from './cases.public-access.js';
import { takeIn, type IntakeInput } from './cases.intake.js';
import { ANSWERING_ACTIONS, mayTake, OPEN_STATUSES, type Status } from './cases.workflow.js';

/**
 * The public front door (随手拍, Open311): cases from people without an account. They get
 * a ticket number to follow the case by and a secret to rate it with; what they see of
 * it carries no staff names and no personal data. Ticket numbers run in order, so anyone can
 * count through them: what a reporter wrote, where, the official answers (which may quote the
 * address) and their photos are shown only when they agreed (`shown_publicly`), or to the reporter
 * by their secret (photos aside: their URLs are public); the state, category and dates always are.
 */


export interface PublicSource {
  channel: 'citizen_app' | 'open311';
  /** The API key an Open311 client used. */
  apiKey?: { id: number; name: string };
  ip?: string;
}

/** Takes a case in from the public; answers its ticket number and the secret shown to the reporter once. */
export async function createPublicCase(env: Env, source: PublicSource, input: IntakeInput) {
  const secret = crypto.randomBytes(24).toString('base64url');
  const ctx: RequestContext = { actor: null, via: source.apiKey ? `open311:${source.apiKey.name}` : 'citizen', ip: source.ip };
  const c = await takeIn(env, ctx, {
    input, channel: source.channel, actorId: null, intakeKey: null, autoRegister: false,
    publicSecretHash: sha256(secret), apiKeyId: source.apiKey?.id,
  });
  return { id: c.id, ticketNo: c.ticket_no, status: c.status, secret };
}

/** The categories the public may file under: active leaves, each with its parent's name (Open311's services). */
export async function publicCategories(env: Env) {
  const known = await catalogue(env);
  return known.categories.filter((r) => known.active(r.code) && !known.isClass(r.code)).map((r) => ({
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    kind: r.kind,
    /** The parent class's name: 市容环境 for 暴露垃圾. */
    group: r.parent_code ? known.category(r.parent_code)?.name ?? null : null,
    registerCondition: r.register_condition,
  }));
}

/** What anyone may know of a case by its ticket number; with its secret, what its reporter may. */
export async function getPublicCase(env: Env, ticketNo: string, secret?: string) {
  const c = await repo.findCaseByTicket(env.db, ticketNo);
  if (!c) throw new NotFoundError('case', `no case has the ticket number ${ticketNo}`);
  return presentPublic(env, c, secret !== undefined && holdsSecret(c, secret));
}

async function presentPublic(env: Env, c: repo.CaseRow, reporter = false) {
  const shown = shownPublicly(c);
  const told = shown || reporter;
  const [events, known, photos] = await Promise.all([repo.caseEvents(env.db, c.id), catalogue(env), shown ? publicPhotosOf(env, c.ticket_no) : []]);
  const category = c.category_code ? known.category(c.category_code) : undefined;
  return {
    ticketNo: c.ticket_no,
    status: c.status,
    open: OPEN_STATUSES.has(c.status as Status),
    category: category ? { code: category.code, name: category.name, nameEn: category.name_en } : null,
    requestType: c.request_type,
    /** Whether the reporter's words, place, answers and photos are shown to anyone; the point may be someone's home. */
    shownPublicly: shown,
    description: told ? c.description : null,
    address: told ? c.address : null,
    location: !told || c.lon === null ? null : { lon: c.lon, lat: c.lat },
    createdAt: c.created_at,
    dueAt: c.due_at,
    closedAt: c.closed_at,
    satisfaction: c.satisfaction,
    /** The reporter's own photos (never staff photos), at /api/v1/public/cases/{ticketNo}/photos/{id}. */
    photos: photos.map((id) => ({ id, url: `/api/v1/public/cases/${c.ticket_no}/photos/${id}`, thumbnailUrl: `/api/v1/public/cases/${c.ticket_no}/photos/${id}?size=thumb` })),
    timeline: events.map((e) => ({ at: e.at, action: e.action, status: e.to_status, answer: told && ANSWERING_ACTIONS.has(e.action) ? e.note : null })),
  };
}

/**
 * The answers of these actions given in [from, to), oldest first, at most `limit`: what a
 * reporter's app polls for, of the cases shown publicly. `position` is the entry's place in
 * the case's public timeline.
 */
export async function publicAnswersBetween(env: Env, from: Date, to: Date, actions: string[], limit: number) {
  const rows = await repo.eventsBetween(env.db, from, to, actions, limit);
  return rows.map((r) => ({ ticketNo: r.ticketNo, position: r.position, at: r.at, action: r.action, answer: ANSWERING_ACTIONS.has(r.action) ? r.note : null }));
}

/**
 * The reporter rates the outcome by ticket number and secret. A rating of 1 or 2 reopens
 * the case, as a dissatisfied call back does.
 */
export async function rateCase(env: Env, ticketNo: string, secret: string, rating: { satisfaction: number; comment?: string }, ip?: string) {
  const c = await repo.findCaseByTicket(env.db, ticketNo);
  if (!c) throw new NotFoundError('case', `no case has the ticket number ${ticketNo}`);
  if (!holdsSecret(c, secret)) throw new AppError(403, 'forbidden', 'the secret does not match this case', 'secret');
  if (c.satisfaction !== null && c.rating_comment !== null) throw new ValidationError('satisfaction', 'this case has been rated already');
  const status = c.status as Status;
  if (!mayTake('rate', status, { role: 'citizen', leadDepartment: false, gridWorker: false, reporter: true })) {
    throw new AppError(409, 'action_not_allowed', 'a case can be rated once it has been handled', 'satisfaction');
  }
  const reopen = rating.satisfaction <= 2;
  const to: Status = reopen ? 'in_progress' : status;
  const ctx: RequestContext = { actor: null, via: 'citizen', ip };
  await env.db.transaction().execute(async (trx) => {
    const applied = await repo.updateCaseAt(trx, c.id, c.version, {
      satisfaction: rating.satisfaction, rating_comment: rating.comment ?? '', status: to,
      ...(reopen ? { reopen_count: c.reopen_count + 1, closed_at: null } : {}),
    });
    if (!applied) throw new AppError(409, 'conflict', 'the case changed just now; try again', 'satisfaction');
    await repo.insertEvent(trx, { caseId: c.id, actorId: null, actorName: 'citizen', action: 'rate', fromStatus: status, toStatus: to, note: rating.comment ?? null, detail: { satisfaction: rating.satisfaction, reopened: reopen } });
    await recordAudit(trx, ctx, { action: 'case.rate', targetType: 'case', targetId: c.id, scopePath: c.path, before: { status }, after: { status: to, satisfaction: rating.satisfaction } });
  });
  return getPublicCase(env, ticketNo, secret);
}

export interface PublicSearch {
  ticketNos?: string[];
  categoryCodes?: string[];
  open?: boolean;
  from?: Date;
  to?: Date;
  /** Only cases sent in with this API key (an Open311 client's own). */
  apiKeyId?: number;
  limit: number;
  offset: number;
}

/**
 * Public views of the cases matching, newest first, for Open311's GET requests, with what
 * Open311 also answers: the lead department, when the case last changed, and the reporter's
 * own description and address, but only for a case whose reporter agreed to that (a hotline
 * operator's notes were not written for the public).
 */
export async function searchPublicCases(env: Env, search: PublicSearch) {
  const rows = await repo.searchCases(env.db, search);
  const departments = await departmentsById(env, rows.flatMap((c) => (c.department_id === null ? [] : [c.department_id])));
  const out = [];
  for (const c of rows) {
    out.push({
      ...(await presentPublic(env, c)),
      agency: c.department_id === null ? null : departments.get(c.department_id)?.name ?? null,
      updatedAt: c.updated_at,
    });
  }
  return out;
}
