import type { RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import type { Env } from '../core/env.js';
import { ValidationError } from '../core/errors.js';
import * as geo from '../geo/geo.service.js';
import { dueAt, type TimeLimit } from './calendar.js';
import * as repo from './cases.repo.js';
import { workCalendar } from './cases.setup.js';
import { queueCaseNotices } from '../notify/notify.service.js';

/** What every front door asks of a new case. */
export interface IntakeInput {
  requestType: string;
  categoryCode?: string;
  triage?: string;
  urgency?: string;
  description: string;
  address?: string;
  location?: { lon: number; lat: number };
  adminUnitId?: number;
  reporter?: { name?: string; phone?: string; email?: string };
  confidential?: boolean;
}

export interface IntakeSpec {
  input: IntakeInput;
  channel: string;
  /** The staff member taking it in; null for the public doors. */
  actorId: number | null;
  intakeKey: string | null;
  autoRegister: boolean;
  publicSecretHash?: string;
  apiKeyId?: number;
}

/** The day in China, as ticket numbers carry it. */
function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/** A category a case may be filed under: known, active, and a subclass rather than a class. */
export async function leafCategory(env: Env, code: string, field = 'categoryCode') {
  const category = await repo.findCategory(env.db, code);
  if (!category || !category.active) throw new ValidationError(field, `${field} ${code} is not a known category`);
  if (await repo.hasChildCategories(env.db, code)) throw new ValidationError(field, `${field} ${code} is a class; choose one of its subclasses`);
  return category;
}

/** The time limit of a category for an urgency, from its seeded limits. */
export function limitOf(limits: unknown, urgency: string): TimeLimit | null {
  return (limits as Record<string, TimeLimit> | null)?.[urgency] ?? null;
}

/** Where a case belongs: the grid at its point, or the admin unit named for it. */
async function resolvePlace(env: Env, input: IntakeInput) {
  if (input.location) {
    const found = await geo.locatePoint(env, input.location.lon, input.location.lat);
    if (!found) throw new ValidationError('location', `the point ${input.location.lon}, ${input.location.lat} lies outside the city's grids`);
    return { gridId: found.grid.id, unitId: found.adminUnits.at(-1)!.id, path: found.path, chain: found.adminUnits.map((u) => u.id) };
  }
  if (input.adminUnitId !== undefined) {
    const path = await geo.unitPath(env, input.adminUnitId);
    if (path === null) throw new ValidationError('adminUnitId', 'adminUnitId is not a known admin unit');
    return { gridId: null, unitId: input.adminUnitId, path, chain: (await geo.getAdminUnitChain(env, input.adminUnitId)).map((u) => u.id) };
  }
  throw new ValidationError('location', 'give the location (lon, lat) or the adminUnitId of the place');
}

/**
 * Writes a new case, its first timeline entries and its audit row in one transaction,
 * whichever door it came through. Returns its id.
 */
export async function takeIn(env: Env, ctx: RequestContext, spec: IntakeSpec): Promise<number> {
  const { input } = spec;
  const place = await resolvePlace(env, input);
  if (spec.channel === 'patrol' && !place.gridId) throw new ValidationError('location', 'a patrol report needs the point where it was seen');
  const category = input.categoryCode ? await leafCategory(env, input.categoryCode) : null;
  const triage = input.triage ?? category?.triage ?? null;
  const urgency = input.urgency ?? 'routine';
  const now = new Date();
  const autoRegister = spec.autoRegister && !!category;
  const limit = category ? limitOf(category.limits, urgency) : null;
  const due = autoRegister && limit ? dueAt(now, limit, await workCalendar(env)) : null;
  const actorName = ctx.actor?.username ?? ctx.via ?? 'public';

  return env.db.transaction().execute(async (trx) => {
    const serial = await repo.nextTicketSerial(trx);
    const ticketNo = `${chinaDay(now)}${String(serial).padStart(5, '0')}`;
    const reporterPhone = env.cipher.encryptOptional(input.reporter?.phone);
    const reporterEmail = env.cipher.encryptOptional(input.reporter?.email);
    const id = await repo.insertCase(trx, {
      ticket_no: ticketNo,
      city_id: place.chain[0],
      channel: spec.channel,
      request_type: input.requestType,
      category_code: category?.code ?? null,
      triage,
      urgency,
      status: autoRegister ? 'registered' : 'received',
      description: input.description,
      address: input.address ?? null,
      lon: input.location?.lon ?? null,
      lat: input.location?.lat ?? null,
      grid_id: place.gridId,
      admin_unit_id: place.unitId,
      path: place.path,
      reporter_name_enc: env.cipher.encryptOptional(input.reporter?.name),
      reporter_phone_enc: reporterPhone,
      reporter_email_enc: reporterEmail,
      confidential: input.confidential ?? false,
      created_by: spec.actorId,
      intake_key: spec.intakeKey,
      registered_at: autoRegister ? now : null,
      due_at: due,
      public_secret_hash: spec.publicSecretHash ?? null,
      api_key_id: spec.apiKeyId ?? null,
    });
    const base = { caseId: id, actorId: spec.actorId, actorName, note: null };
    let eventId = await repo.insertEvent(trx, { ...base, action: 'receive', fromStatus: null, toStatus: 'received', detail: { channel: spec.channel } });
    if (autoRegister) eventId = await repo.insertEvent(trx, { ...base, action: 'register', fromStatus: 'received', toStatus: 'registered', detail: { automatic: true } });
    await queueCaseNotices(trx, {
      caseId: id, eventId, ticketNo, path: place.path, action: 'receive', fromStatus: null, toStatus: autoRegister ? 'registered' : 'received', answer: null,
      reporter: { emailEnc: reporterEmail, phoneEnc: reporterPhone }, newDepartments: [], leadDepartment: null,
    });
    await recordAudit(trx, ctx, {
      action: 'case.create', targetType: 'case', targetId: id, scopePath: place.path,
      after: { channel: spec.channel, requestType: input.requestType, categoryCode: category?.code ?? null, triage, urgency, gridId: place.gridId, adminUnitId: place.unitId },
    });
    return id;
  });
}
