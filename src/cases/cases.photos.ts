import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Selectable, Transaction } from 'kysely';
import sharp from 'sharp';
import { type Actor, type RequestContext, type Role } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import type { Db } from '../core/db.js';
import type { CasePhotosTable, DB } from '../core/db.types.js';
import type { Env } from '../core/env.js';
import { AppError, ConflictError, ForbiddenError, isDiskFull, NotFoundError, StorageFullError, ValidationError } from '../core/errors.js';
import * as geo from '../geo/geo.service.js';
import * as repo from './cases.repo.js';
import { holdsSecret, shownPublicly } from './cases.public-access.js';
import { OPEN_STATUSES, type Status } from './cases.workflow.js';
import { visibleCase } from './cases.service.js';

/**
 * Photos of a case (随手拍, 处置, 核查): checked by their content, never their name; kept as sent,
 * as evidence, content-addressed under DATA_DIR/photos; served to staff in scope, and the photos a
 * reporter sent, without their metadata, to anyone holding the ticket number.
 */

export const PHOTO_STAGES = ['report', 'handling', 'verification'] as const;
export type PhotoStage = (typeof PHOTO_STAGES)[number];
export type PhotoSize = 'original' | 'thumb';
export type PhotoMediaType = CasePhotosTable['media_type'];

/** The largest photo accepted. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** The longest side of a thumbnail. */
export const THUMB_PX = 320;
/** More photos than this on one case is not evidence any more. */
const MAX_PHOTOS_PER_CASE = 30;
/** Decoding bombs stop here: well above a 50-megapixel phone camera. */
const SHARP_INPUT = { failOn: 'error', limitInputPixels: 100_000_000 } as const;

const FORMATS: Record<PhotoMediaType, { ext: string; sharp: 'jpeg' | 'png' | 'webp' }> = {
  'image/jpeg': { ext: 'jpg', sharp: 'jpeg' },
  'image/png': { ext: 'png', sharp: 'png' },
  'image/webp': { ext: 'webp', sharp: 'webp' },
};

/** The doors a photo comes through; the public ones are what the reporter sent and may be shown again. */
type Via = 'staff' | 'citizen' | 'open311';
const PUBLIC_VIAS: Via[] = ['citizen', 'open311'];

/** Who may add a photo at each stage. */
const STAGE_ROLES: Record<PhotoStage, readonly Role[]> = {
  report: ['admin', 'dispatcher', 'grid_worker', 'department_handler'],
  handling: ['admin', 'department_handler'],
  verification: ['admin', 'grid_worker'],
};

/** The image type by its first bytes, whatever the client declared: JPEG, PNG or WebP, else null. */
export function sniffPhoto(bytes: Buffer): PhotoMediaType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** A photo checked and decoded, ready to store. */
export interface InspectedPhoto {
  bytes: Buffer;
  sha256: string;
  mediaType: PhotoMediaType;
  /** As displayed, after the EXIF orientation. */
  width: number;
  height: number;
  /** A JPEG of at most THUMB_PX a side, without metadata. */
  thumb: Buffer;
}

/**
 * Checks a photo by its content: JPEG, PNG or WebP by its magic bytes, at most 10 MB, and
 * decodable to the end (a truncated or fake image is refused). `field` names it in errors.
 */
export async function inspectPhoto(bytes: Buffer, field = 'photo'): Promise<InspectedPhoto> {
  if (bytes.length === 0) throw new ValidationError(field, `${field} is empty`);
  if (bytes.length > PHOTO_MAX_BYTES) throw new AppError(413, 'payload_too_large', `${field} is larger than 10 MB`, field);
  const mediaType = sniffPhoto(bytes);
  if (!mediaType) throw new ValidationError(field, `${field} must be a JPEG, PNG or WebP image`);
  try {
    const meta = await sharp(bytes, SHARP_INPUT).metadata();
    if (meta.format !== FORMATS[mediaType].sharp) throw new Error(`decoded as ${meta.format}`);
    const thumb = await sharp(bytes, { ...SHARP_INPUT, autoOrient: true })
      .resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80 })
      .toBuffer();
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    return { bytes, sha256, mediaType, width: meta.autoOrient.width, height: meta.autoOrient.height, thumb };
  } catch (err) {
    if (/pixel limit/i.test((err as Error).message)) throw new ValidationError(field, `${field} has more than 100 million pixels`);
    throw new ValidationError(field, `${field} could not be decoded: it is not a whole ${FORMATS[mediaType].sharp.toUpperCase()} image`);
  }
}

// ── Storage: DATA_DIR/photos/ab/cd/<sha256>.<ext>, written once, atomically ──

function photoFile(env: Env, sha256: string, suffix: string): string {
  return path.join(env.config.dataDir, 'photos', sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}.${suffix}`);
}

const FILE_SUFFIX = {
  original: (t: PhotoMediaType) => FORMATS[t].ext,
  thumb: () => 'thumb.jpg',
  /** The reporter's photo as the public may see it: full size, no EXIF (no GPS, no device). */
  public: (t: PhotoMediaType) => `public.${FORMATS[t].ext}`,
};

/**
 * Writes the file unless it is there already: to a temporary name, synced, then renamed, so a
 * crash never leaves half a file. A full disk keeps no temporary file and answers StorageFullError.
 */
async function writeOnce(file: string, bytes: Buffer): Promise<void> {
  const existing = await fs.promises.stat(file).catch(() => null);
  if (existing?.size === bytes.length) return;
  const temporary = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const handle = await fs.promises.open(temporary, 'wx', 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temporary, file);
  } catch (err) {
    // Half a photo left behind would hold the very space the next attempt needs.
    await fs.promises.rm(temporary, { force: true });
    if (isDiskFull(err)) throw new StorageFullError('the case photos (DATA_DIR/photos)');
    throw err;
  }
}

async function publicCopy(photo: InspectedPhoto): Promise<Buffer> {
  const image = sharp(photo.bytes, { ...SHARP_INPUT, autoOrient: true });
  const format = FORMATS[photo.mediaType].sharp;
  return (format === 'png' ? image.png() : format === 'webp' ? image.webp({ quality: 90 }) : image.jpeg({ quality: 90 })).toBuffer();
}

async function openFile(file: string): Promise<{ stream: Readable; bytes: number }> {
  const handle = await fs.promises.open(file, 'r');
  const { size } = await handle.stat();
  return { stream: handle.createReadStream(), bytes: size };
}

// ── Repository: all SQL over case_photos ──

type PhotoRow = Selectable<CasePhotosTable>;
type Conn = Db | Transaction<DB>;

const photoRepo = {
  /** Inserts the photo unless the case has these bytes already; answers the new row or undefined. */
  insert(db: Conn, row: Omit<PhotoRow, 'id' | 'created_at'>) {
    return db.insertInto('case_photos').values(row)
      .onConflict((oc) => oc.columns(['case_id', 'sha256']).doNothing())
      .returningAll().executeTakeFirst();
  },
  bySha(db: Conn, caseId: number, sha256: string) {
    return db.selectFrom('case_photos').selectAll().where('case_id', '=', caseId).where('sha256', '=', sha256).executeTakeFirst();
  },
  one(db: Conn, caseId: number, photoId: number) {
    return db.selectFrom('case_photos').selectAll().where('case_id', '=', caseId).where('id', '=', photoId).executeTakeFirst();
  },
  ofCase(db: Conn, caseId: number) {
    return db.selectFrom('case_photos').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
  },
  async count(db: Conn, caseId: number): Promise<number> {
    const { n } = await db.selectFrom('case_photos').select((eb) => eb.fn.countAll<string>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
    return Number(n);
  },
  /** The photos reporters sent through the public doors to these cases, oldest first, where they agreed to show them. */
  publicOf(db: Conn, ticketNos: string[]) {
    return db.selectFrom('case_photos as p').innerJoin('cases as c', 'c.id', 'p.case_id')
      .select(['c.ticket_no as ticketNo', 'p.id'])
      .where('c.ticket_no', 'in', ticketNos).where('c.shown_publicly', '=', true).where('c.confidential', '=', false)
      .where('p.stage', '=', 'report').where('p.via', 'in', PUBLIC_VIAS)
      .orderBy('p.id').execute();
  },
};

// ── Service ──

/** A photo as staff see it. */
function present(p: PhotoRow) {
  const url = `/api/v1/cases/${p.case_id}/photos/${p.id}`;
  return {
    id: p.id, caseId: p.case_id, stage: p.stage, mediaType: p.media_type, bytes: p.bytes, width: p.width, height: p.height,
    sha256: p.sha256, via: p.via, uploadedBy: p.uploaded_by, createdAt: p.created_at, url, thumbUrl: `${url}?size=thumb`,
  };
}
export type PhotoView = ReturnType<typeof present>;


/** The stage a staff photo is taken to be when none is named: the grid worker's on-site check while it awaits one. */
function defaultStage(role: Role, status: string): PhotoStage {
  if (role === 'department_handler') return 'handling';
  if (role === 'grid_worker' && status === 'reported') return 'verification';
  return 'report';
}

/** A handler adds photos to her department's cases, a grid worker to cases in her grids and those she took in. */
async function requireRelation(env: Env, actor: Actor, c: repo.CaseRow): Promise<void> {
  if (actor.role === 'department_handler') {
    const assigned = (await repo.activeAssignments(env.db, c.id)).some((a) => a.departmentId === actor.departmentId);
    if (!assigned) throw new ForbiddenError('you may add photos only to cases assigned to your department');
  }
  // Her own patrol seen in another grid of her community keeps the photos she took with it.
  if (actor.role === 'grid_worker' && c.created_by !== actor.id && !(c.grid_id !== null && await geo.worksGrid(env, actor.id, c.grid_id))) {
    throw new ForbiddenError('you may add photos only to cases in your grids');
  }
}

interface Placement { stage: PhotoStage; uploadedBy: number | null; via: Via }

async function refuseWhenFull(db: Conn, caseId: number): Promise<void> {
  if (await photoRepo.count(db, caseId) >= MAX_PHOTOS_PER_CASE) throw new ConflictError(`a case holds at most ${MAX_PHOTOS_PER_CASE} photos`, 'photo');
}

/** Stores the files, then the row, the timeline entry and the audit row; the same bytes twice answer the first row. */
async function store(env: Env, ctx: RequestContext, c: repo.CaseRow, photo: InspectedPhoto, place: Placement): Promise<{ created: boolean; photo: PhotoRow }> {
  const existing = await photoRepo.bySha(env.db, c.id, photo.sha256);
  if (existing) return { created: false, photo: existing };
  // Counted first so that a full case costs no files; counted again under the case's lock below.
  await refuseWhenFull(env.db, c.id);
  await writeOnce(photoFile(env, photo.sha256, FILE_SUFFIX.original(photo.mediaType)), photo.bytes);
  await writeOnce(photoFile(env, photo.sha256, FILE_SUFFIX.thumb()), photo.thumb);
  if (PUBLIC_VIAS.includes(place.via)) await writeOnce(photoFile(env, photo.sha256, FILE_SUFFIX.public(photo.mediaType)), await publicCopy(photo));
  // Files first: a crash between leaves a file no row names, never a row without its file.
  const row = await env.db.transaction().execute(async (trx) => {
    // Uploads arriving together would all pass the count above.
    const [{ status }] = await repo.lockCases(trx, [c.id]);
    await refuseWhenFull(trx, c.id);
    const inserted = await photoRepo.insert(trx, {
      case_id: c.id, sha256: photo.sha256, media_type: photo.mediaType, bytes: photo.bytes.length,
      width: photo.width, height: photo.height, stage: place.stage, uploaded_by: place.uploadedBy, via: place.via,
    });
    if (!inserted) return undefined;
    const detail = { photoId: inserted.id, stage: place.stage, mediaType: photo.mediaType, bytes: photo.bytes.length, sha256: photo.sha256 };
    await repo.insertEvent(trx, {
      caseId: c.id, actorId: ctx.actor?.id ?? null, actorName: ctx.actor?.username ?? ctx.via ?? place.via,
      action: 'photo', fromStatus: status, toStatus: status, note: null, detail,
    });
    await recordAudit(trx, ctx, { action: 'case.photo', targetType: 'case', targetId: c.id, scopePath: c.path, after: detail });
    return inserted;
  });
  // Undefined only when the same bytes came in concurrently: answer that row.
  return row ? { created: true, photo: row } : { created: false, photo: (await photoRepo.bySha(env.db, c.id, photo.sha256))! };
}

/**
 * Staff add a photo to a case in their jurisdiction: at intake (report), while handling it
 * (handling) or on the spot check (verification). Answers whether it was new and the photo.
 */
export async function addPhoto(env: Env, ctx: RequestContext, caseId: number, bytes: Buffer, stage?: PhotoStage) {
  const c = await visibleCase(env, ctx.actor, caseId);
  const actor = ctx.actor!;
  const chosen = stage ?? defaultStage(actor.role, c.status);
  if (!STAGE_ROLES[chosen].includes(actor.role)) throw new ForbiddenError(`your role (${actor.role}) may not add ${chosen} photos`);
  await requireRelation(env, actor, c);
  const stored = await store(env, ctx, c, await inspectPhoto(bytes), { stage: chosen, uploadedBy: actor.id, via: 'staff' });
  return { created: stored.created, photo: present(stored.photo) };
}

/** The case of a ticket number, if `secret` is the one given to its reporter. */
async function reportersCase(env: Env, ticketNo: string, secret: string): Promise<repo.CaseRow> {
  const c = await repo.findCaseByTicket(env.db, ticketNo);
  if (!c) throw new NotFoundError('case', `no case has the ticket number ${ticketNo}`);
  if (!holdsSecret(c, secret)) throw new AppError(403, 'forbidden', 'the secret does not match this case', 'secret');
  return c;
}

/** A photo as the public sees it: no uploader, no hash. */
function presentPublic(ticketNo: string, p: PhotoRow) {
  const url = `/api/v1/public/cases/${ticketNo}/photos/${p.id}`;
  return { id: p.id, stage: p.stage, mediaType: p.media_type, width: p.width, height: p.height, createdAt: p.created_at, url, thumbUrl: `${url}?size=thumb` };
}

/** The reporter adds a photo to their open case with the secret given at reporting. */
export async function addPublicPhoto(env: Env, ticketNo: string, secret: string, bytes: Buffer, ip?: string) {
  const c = await reportersCase(env, ticketNo, secret);
  if (!OPEN_STATUSES.has(c.status as Status)) throw new ConflictError('photos can be added only while the case is open', 'photo');
  const ctx: RequestContext = { actor: null, via: 'citizen', ip };
  const stored = await store(env, ctx, c, await inspectPhoto(bytes), { stage: 'report', uploadedBy: null, via: 'citizen' });
  return { created: stored.created, photo: presentPublic(c.ticket_no, stored.photo) };
}

/** Stores the photo sent with a report through Open311, for the case it has just made (checked beforehand with inspectPhoto). */
export async function addIntakePhoto(env: Env, ticketNo: string, photo: InspectedPhoto, ctx: RequestContext) {
  const c = await repo.findCaseByTicket(env.db, ticketNo);
  if (!c) throw new NotFoundError('case', `no case has the ticket number ${ticketNo}`);
  const stored = await store(env, ctx, c, photo, { stage: 'report', uploadedBy: null, via: 'open311' });
  return { created: stored.created, photo: presentPublic(c.ticket_no, stored.photo) };
}

/** The photos of a case in the caller's jurisdiction, oldest first. */
export async function listPhotos(env: Env, ctx: RequestContext, caseId: number) {
  const c = await visibleCase(env, ctx.actor, caseId);
  return { items: (await photoRepo.ofCase(env.db, c.id)).map(present) };
}

/** What a photo route sends: the bytes as a stream, their type and length. */
export interface PhotoContent {
  stream: Readable;
  mediaType: PhotoMediaType;
  bytes: number;
  filename: string;
}

/** A photo of a case in the caller's jurisdiction: the original as sent (EXIF and all), or its thumbnail. */
export async function readPhoto(env: Env, ctx: RequestContext, caseId: number, photoId: number, size: PhotoSize): Promise<PhotoContent> {
  const c = await visibleCase(env, ctx.actor, caseId);
  const p = await photoRepo.one(env.db, c.id, photoId);
  if (!p) throw new NotFoundError('photo');
  const suffix = size === 'thumb' ? FILE_SUFFIX.thumb() : FILE_SUFFIX.original(p.media_type);
  return { ...(await openFile(photoFile(env, p.sha256, suffix))), mediaType: size === 'thumb' ? 'image/jpeg' : p.media_type, filename: `${c.ticket_no}-${p.id}.${suffix}` };
}

/** A photo the reporter sent, by ticket number, as anyone may see it: without metadata. Other photos answer 404. */
export async function readPublicPhoto(env: Env, ticketNo: string, photoId: number, size: PhotoSize): Promise<PhotoContent> {
  const c = await repo.findCaseByTicket(env.db, ticketNo);
  const p = c && shownPublicly(c) ? await photoRepo.one(env.db, c.id, photoId) : undefined;
  if (!c || !p || p.stage !== 'report' || !PUBLIC_VIAS.includes(p.via as Via)) throw new NotFoundError('photo');
  const suffix = size === 'thumb' ? FILE_SUFFIX.thumb() : FILE_SUFFIX.public(p.media_type);
  return { ...(await openFile(photoFile(env, p.sha256, suffix))), mediaType: size === 'thumb' ? 'image/jpeg' : p.media_type, filename: `${c.ticket_no}-${p.id}.${FILE_SUFFIX.original(p.media_type)}` };
}

/** For each ticket number with a photo its reporter sent, that photo's id (the first one), for Open311's media_url. */
export async function publicPhotoIds(env: Env, ticketNos: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (!ticketNos.length) return found;
  for (const row of await photoRepo.publicOf(env.db, ticketNos)) if (!found.has(row.ticketNo)) found.set(row.ticketNo, row.id);
  return found;
}

/** The ids of every photo the reporter sent with a case, for its public page. */
export async function publicPhotosOf(env: Env, ticketNo: string): Promise<number[]> {
  return (await photoRepo.publicOf(env.db, [ticketNo])).map((row) => row.id);
}
