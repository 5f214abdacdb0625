import { inScope, type RequestContext } from '../core/access.js';
import { auditRows } from '../core/audit.js';
import { isDataError, MicroBatcher, perDatabase } from '../core/batcher.js';
import type { Db } from '../core/db.js';
import type { Env } from '../core/env.js';
import { ValidationError } from '../core/errors.js';
import * as geo from '../geo/geo.service.js';
import { dueAt, type TimeLimit } from './calendar.js';
import { catalogue } from './cases.catalogue.js';
import { nearQuery, type NearCase } from './cases.duplicates.js';
import { IntakeIdStock } from './cases.ids.js';
import * as repo from './cases.repo.js';
import type { CaseEventWrite } from './cases.repo.js';
import { workCalendar } from './cases.setup.js';
import { noticeRows } from '../notify/notify.service.js';

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
  /** The reporter agreed that anyone may see what they wrote, where and their photos (public doors only). */
  shownPublicly?: boolean;
}

export interface IntakeSpec {
  input: IntakeInput;
  channel: string;
  /** The staff member taking it in; null for the public doors. */
  actorId: number | null;
  intakeKey: string | null;
  /** The digest of the request made under `intakeKey`, to tell a retry from a reused key. */
  intakeFingerprint?: string | null;
  autoRegister: boolean;
  /** Look for open cases this one may duplicate, for the dispatcher (staff doors). */
  lookForDuplicates?: boolean;
  publicSecretHash?: string;
  apiKeyId?: number;
}

/** The day in China, as ticket numbers carry it. */
function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/** A category a case may be filed under: known, active, and a subclass rather than a class. */
export async function leafCategory(env: Env, code: string, field = 'categoryCode') {
  const known = await catalogue(env);
  const category = known.category(code);
  if (!category || !known.active(code)) throw new ValidationError(field, `${field} ${code} is not a known category`);
  if (known.isClass(code)) throw new ValidationError(field, `${field} ${code} is a class; choose one of its subclasses`);
  return category;
}

/** The time limit of a category for an urgency, from its seeded limits. */
export function limitOf(limits: unknown, urgency: string): TimeLimit | null {
  return (limits as Record<string, TimeLimit> | null)?.[urgency] ?? null;
}

/**
 * When a case started at `start` is due under `limit`. A limit the calendar cannot count (working
 * days that are not whole, a limit reaching past what it looks ahead) is bad input naming `field`,
 * never a 500: limits come from an administrator's category or a dispatcher's extension.
 */
export async function dueUnder(env: Env, start: Date, limit: TimeLimit, field: string, what = field): Promise<Date> {
  const calendar = await workCalendar(env);
  try {
    return dueAt(start, limit, calendar);
  } catch (err) {
    if (err instanceof RangeError) throw new ValidationError(field, `${what}: ${err.message}`);
    throw err;
  }
}

/** Where a case belongs: the grid at its point, or the admin unit named for it. */
async function resolvePlace(env: Env, input: IntakeInput) {
  if (input.location) {
    const found = await geo.locatePoint(env, input.location.lon, input.location.lat);
    if (!found) throw new ValidationError('location', `the point at longitude ${input.location.lon}, latitude ${input.location.lat} lies outside the city's grids`);
    return { gridId: found.grid.id, unitId: found.adminUnits.at(-1)!.id, path: found.path, chain: found.adminUnits.map((u) => u.id) };
  }
  if (input.adminUnitId !== undefined) {
    const path = await geo.unitPath(env, input.adminUnitId);
    if (path === null) throw new ValidationError('adminUnitId', 'adminUnitId is not a known admin unit');
    return { gridId: null, unitId: input.adminUnitId, path, chain: (await geo.getAdminUnitChain(env, input.adminUnitId)).map((u) => u.id) };
  }
  throw new ValidationError('location', 'give the location (lon, lat) or the adminUnitId of the place');
}

/** What intake knows of a case once written: enough to answer, with the open cases found near it. */
export type TakenCase = Pick<repo.CaseRow,
  'id' | 'ticket_no' | 'status' | 'category_code' | 'triage' | 'admin_unit_id' | 'grid_id' | 'lon' | 'lat' | 'created_at'> & { near: NearCase[] };

/** A case with everything decided and nothing yet written. */
interface PreparedIntake {
  ctx: RequestContext;
  spec: IntakeSpec;
  row: Omit<repo.NewCaseRow, 'ticket_no'>;
  day: string;
  autoRegister: boolean;
  near: repo.NearQuery | null;
}

/**
 * Takes a case in, whichever door it came through: locates, classifies and times it
 * here, then writes it with its first timeline entries, messages and audit row in one
 * statement, shared with the intakes arriving at the same moment.
 */
export async function takeIn(env: Env, ctx: RequestContext, spec: IntakeSpec): Promise<TakenCase> {
  return intakeWriter(env.db).submit(await prepareIntake(env, ctx, spec));
}

async function prepareIntake(env: Env, ctx: RequestContext, spec: IntakeSpec): Promise<PreparedIntake> {
  const { input } = spec;
  const place = await resolvePlace(env, input);
  if (spec.channel === 'patrol' && !place.gridId) throw new ValidationError('location', 'a patrol report needs the point where it was seen');
  // A patrol is what a grid worker saw on her round: outside her community she could not follow it up.
  // Other doors take in any place in the city (一号受理) and the case goes where it lies.
  if (spec.channel === 'patrol' && ctx.actor && !inScope(ctx.actor, place.path)) {
    throw new ValidationError('location', `the point at longitude ${input.location!.lon}, latitude ${input.location!.lat} lies outside your area; report it through 12345`);
  }
  const category = input.categoryCode ? await leafCategory(env, input.categoryCode) : null;
  const triage = input.triage ?? category?.triage ?? null;
  const urgency = input.urgency ?? 'routine';
  const now = new Date();
  // A patrol registers itself only in a grid its worker works; seen elsewhere, it waits for a dispatcher like any report.
  const autoRegister = spec.autoRegister && !!category && (spec.channel !== 'patrol'
    || (place.gridId !== null && spec.actorId !== null && await geo.worksGrid(env, spec.actorId, place.gridId)));
  const limit = category ? limitOf(category.limits, urgency) : null;
  const due = autoRegister && limit ? await dueUnder(env, now, limit, 'categoryCode', `the time limit of category ${category!.code}`) : null;
  return {
    ctx, spec, autoRegister, day: chinaDay(now),
    near: spec.lookForDuplicates
      ? nearQuery(env.config, { id: 0, category_code: category?.code ?? null, lon: input.location?.lon ?? null, lat: input.location?.lat ?? null, created_at: now })
      : null,
    row: {
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
      reporter_phone_enc: env.cipher.encryptOptional(input.reporter?.phone),
      reporter_phone_index: env.cipher.phoneIndex(input.reporter?.phone),
      reporter_email_enc: env.cipher.encryptOptional(input.reporter?.email),
      confidential: input.confidential ?? false,
      shown_publicly: input.shownPublicly ?? false,
      created_by: spec.actorId,
      intake_key: spec.intakeKey,
      intake_fingerprint: spec.intakeFingerprint ?? null,
      registered_at: autoRegister ? now : null,
      due_at: due,
      public_secret_hash: spec.publicSecretHash ?? null,
      api_key_id: spec.apiKeyId ?? null,
    },
  };
}

const intakeWriter = perDatabase((db: Db) => {
  const ids = new IntakeIdStock(db);
  return new MicroBatcher<PreparedIntake, TakenCase>(
    (items) => writeIntakes(db, ids, items),
    // Two batches at once keep connections free for reads; two hundred cases keep one statement's work short.
    { maxSize: 200, maxInFlight: 2, retrySingly: isDataError },
  );
});

/**
 * One statement looks for duplicates and writes everything, with ids from the stock: under
 * load a batch costs one round trip and one commit.
 */
async function writeIntakes(db: Db, stock: IntakeIdStock, items: PreparedIntake[]): Promise<TakenCase[]> {
  const eventsOf = (p: PreparedIntake) => (p.autoRegister ? 2 : 1);
  const asked = items.filter((p) => p.near !== null);
  const ids = await stock.take(items.length, items.reduce((n, p) => n + eventsOf(p), 0));
  const events: CaseEventWrite[] = [];
  const lastEventId: number[] = [];
  const rows = items.map((p, i) => {
    const caseId = ids.caseIds[i];
    const base = { caseId, actorId: p.spec.actorId, actorName: p.ctx.actor?.username ?? p.ctx.via ?? 'public', note: null };
    events.push({ ...base, action: 'receive', fromStatus: null, toStatus: 'received', detail: { channel: p.spec.channel } });
    if (p.autoRegister) events.push({ ...base, action: 'register', fromStatus: 'received', toStatus: 'registered', detail: { automatic: true } });
    lastEventId.push(ids.eventIds[events.length - 1]);
    return { ...p.row, id: caseId, ticket_no: `${p.day}${String(ids.serials[i]).padStart(5, '0')}` };
  });
  const written = await repo.insertIntakes(db, {
    cases: rows,
    events: events.map((e, k) => ({ ...repo.eventRow(e), id: ids.eventIds[k] })),
    notices: items.flatMap((p, i) => noticeRows({
      caseId: rows[i].id, eventId: lastEventId[i], ticketNo: rows[i].ticket_no, path: p.row.path, action: 'receive',
      fromStatus: null, toStatus: p.row.status, answer: null,
      reporter: { emailEnc: p.row.reporter_email_enc ?? null, phoneEnc: p.row.reporter_phone_enc ?? null }, newDepartments: [], leadDepartment: null,
    })),
    audits: auditRows(items.map((p, i) => ({
      ctx: p.ctx,
      entry: {
        action: 'case.create', targetType: 'case', targetId: rows[i].id, scopePath: p.row.path,
        after: {
          channel: p.spec.channel, requestType: p.row.request_type, categoryCode: p.row.category_code, triage: p.row.triage,
          urgency: p.row.urgency, gridId: p.row.grid_id, adminUnitId: p.row.admin_unit_id,
        },
      },
    }))),
  }, asked.map((p) => p.near!));
  const nearOf = new Map(asked.map((p, k) => [p, written.near[k]]));
  const taken = rows.map((row, i): TakenCase => ({
    id: row.id, ticket_no: row.ticket_no, status: row.status, category_code: row.category_code ?? null, triage: row.triage ?? null,
    admin_unit_id: row.admin_unit_id, grid_id: row.grid_id ?? null, lon: row.lon ?? null, lat: row.lat ?? null, created_at: written.created.get(row.id)!,
    near: nearOf.get(items[i]) ?? [],
  }));
  // The lookup ran before this batch was written: earlier cases of the batch are candidates too.
  taken.forEach((c, i) => {
    const q = items[i].near;
    if (!q) return;
    for (let j = 0; j < i; j++) {
      const sibling = taken[j];
      if (sibling.category_code === q.categoryCode && sibling.lon! >= q.box[0] && sibling.lon! <= q.box[2] && sibling.lat! >= q.box[1] && sibling.lat! <= q.box[3]) {
        c.near.push({ ...sibling, lon: sibling.lon!, lat: sibling.lat!, path: items[j].row.path, i: 0 });
      }
    }
  });
  return taken;
}
