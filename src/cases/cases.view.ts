import { can, type RequestContext } from '../core/access.js';
import type { Env } from '../core/env.js';
import { PersonalDataReader } from '../core/personal-data.js';
import * as geo from '../geo/geo.service.js';
import { departmentsById } from '../org/org.service.js';
import { catalogue } from './cases.catalogue.js';
import * as repo from './cases.repo.js';
import { OPEN_STATUSES, reporterRating, type Action, type Status } from './cases.workflow.js';

/**
 * A case as staff see it: its place, departments, reporter and timeline. The reporter is masked for
 * everyone here: a case is opened and reloaded all day, and the whole number is asked for on its
 * own (`revealReporter`), so that each audited reading is one somebody chose.
 */
export async function presentCase(env: Env, ctx: RequestContext, c: repo.CaseRow, allowedActions: Action[]) {
  const [assignments, events, category, chain] = await Promise.all([
    repo.activeAssignments(env.db, c.id),
    repo.caseEvents(env.db, c.id),
    c.category_code ? catalogue(env).then((known) => known.category(c.category_code!)) : Promise.resolve(undefined),
    geo.getAdminUnitChain(env, c.admin_unit_id),
  ]);
  const escalatedTo = c.escalated_to_unit_id === null ? null : await geo.unitRef(env, c.escalated_to_unit_id);
  const departments = await departmentsById(env, assignments.map((a) => a.departmentId));
  const reader = new PersonalDataReader(env, ctx, { masked: true });
  const owner = { targetType: 'case', targetId: c.id, scopePath: c.path };
  const view = {
    id: c.id,
    ticketNo: c.ticket_no,
    version: c.version,
    status: c.status,
    open: OPEN_STATUSES.has(c.status as Status),
    channel: c.channel,
    requestType: c.request_type,
    category: category ? { code: category.code, name: category.name, nameEn: category.name_en } : null,
    triage: c.triage,
    urgency: c.urgency,
    description: c.description,
    address: c.address,
    location: c.lon === null ? null : { lon: c.lon, lat: c.lat },
    gridId: c.grid_id,
    adminUnits: chain,
    departments: assignments.map((a) => ({ id: a.departmentId, name: departments.get(a.departmentId)?.name ?? null, role: a.role })),
    reporter: {
      // A reporter who asked for confidentiality is shown to nobody but by their ticket.
      name: c.confidential ? null : reader.name(c.reporter_name_enc, owner),
      phone: c.confidential ? null : reader.phone(c.reporter_phone_enc, owner),
      email: c.confidential ? null : reader.email(c.reporter_email_enc, owner),
      /** Whether this caller may ask for them whole (GET /api/v1/cases/{id}/reporter). */
      revealable: !c.confidential && can(ctx.actor, 'personal.reveal')
        && (c.reporter_name_enc !== null || c.reporter_phone_enc !== null || c.reporter_email_enc !== null),
    },
    confidential: c.confidential,
    /** The reporter agreed that anyone may read their words, place and the answers (public doors): answer with that in mind. */
    shownPublicly: c.shown_publicly,
    dueAt: c.due_at,
    overdue: !!c.due_at && c.due_at.getTime() < Date.now() && OPEN_STATUSES.has(c.status as Status),
    registeredAt: c.registered_at,
    dispatchedAt: c.dispatched_at,
    closedAt: c.closed_at,
    mergedIntoId: c.merged_into_id,
    satisfaction: c.satisfaction,
    /** The reporter's own rating that a call back keeps (cases.workflow.ts reporterRating); null when the call back must ask. */
    reporterRating: reporterRating(c.satisfaction, c.rating_comment !== null),
    reopenCount: c.reopen_count,
    extensionCount: c.extension_count,
    escalationLevel: c.escalation_level,
    /** 0 none, 1 yellow (due soon), 2 red (overdue): see cases.deadlines.ts. */
    warningLevel: c.warning_level,
    /** The admin unit an overdue case was escalated to, if any. */
    escalatedTo,
    createdAt: c.created_at,
    allowedActions,
    timeline: events.map((e) => ({ at: e.at, actor: e.actor_name, action: e.action, from: e.from_status, to: e.to_status, note: e.note, detail: e.detail })),
  };
  return view;
}

/** The reporter's name, phone and email, whole, for a caller who may see them; each reading audited. */
export async function presentReporter(env: Env, ctx: RequestContext, c: repo.CaseRow) {
  const reader = new PersonalDataReader(env, ctx);
  const owner = { targetType: 'case', targetId: c.id, scopePath: c.path };
  const reporter = { name: reader.name(c.reporter_name_enc, owner), phone: reader.phone(c.reporter_phone_enc, owner), email: reader.email(c.reporter_email_enc, owner) };
  await reader.flush();
  return reporter;
}
