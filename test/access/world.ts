import crypto from 'node:crypto';
import { expect } from 'vitest';
import sharp from 'sharp';
import { insertSession } from '../../src/accounts/accounts.repo.js';
import { createSystemUsers } from '../../src/accounts/accounts.service.js';
import { ROLES, type Role } from '../../src/core/access.js';
import { hashPassword, sha256 } from '../../src/core/crypto.js';
import type { TestInstance } from '../app.js';
import { interiorPoint } from '../fixtures.js';

/**
 * The world the access matrix runs in: one caller of every role, each with jurisdiction over
 * 崇川区 (320613), and of each kind of record one inside 崇川区 and one in 通州区 (320612).
 */

/** Inside the caller's jurisdiction, or outside it. */
export type Where = 'in' | 'out';
export type CallerRole = Role | 'anonymous';

export interface Caller {
  role: CallerRole;
  userId?: number;
  token?: string;
}

type Pair<T> = Record<Where, T>;

export interface World {
  t: TestInstance;
  /** The two districts. */
  districts: Pair<number>;
  grids: Pair<{ id: number; code: string; lon: number; lat: number }>;
  cases: Pair<number>;
  photos: Pair<number>;
  templates: Pair<number>;
  users: Pair<number>;
  /** A city-level department, for the handler and for routing rules. */
  departmentId: number;
  /** A category cases may be filed under. */
  leafCategory: string;
  /** A case reported through the citizen's door, with its secret and the photo sent with it. */
  publicCase: { ticketNo: string; secret: string; photoId: number };
  callers: Caller[];
  /** A user of `role` made for one request (to be deleted, or to change their password), with a session. */
  freshUser(role: Role, where: Where): Promise<{ id: number; token: string }>;
  /** Another session for a caller, to end without ending theirs. */
  freshSession(userId: number): Promise<string>;
  freshTemplate(where: Where): Promise<number>;
  /** The version a case is at now, to act on it. */
  caseVersion(id: number): Promise<number>;
  /** A public challenge, answered. */
  challenge(): Promise<{ id: string; answer: number }>;
  /** An address of its own for each request, so the public doors' per-address limits stay out of the way. */
  nextAddress(): string;
}

export const PASSWORD = 'matrix-pass-1';

/** A small JPEG-free image the photo routes accept. */
export const photoBytes = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#36c' } }).png().toBuffer();

/** A multipart form with the image in `field` and the given text fields. */
export function photoForm(field: string, image: Buffer, fields: Record<string, string> = {}): { contentType: string; payload: Buffer } {
  const boundary = `matrix${crypto.randomBytes(6).toString('hex')}`;
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    payload: Buffer.concat([
      Buffer.from(parts.join('')),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`),
      image,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

export async function buildWorld(t: TestInstance): Promise<World> {
  const db = t.env.db;
  const admin = t.as(await t.login('admin'));
  const ok = async <T = { id: number }>(res: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 201): Promise<T> => {
    const r = await res;
    expect(r.statusCode, r.body).toBe(status);
    return r.json() as T;
  };
  let addresses = 0;
  const nextAddress = () => `10.77.${(++addresses >> 8) & 255}.${addresses & 255}`;

  const district = async (code: string) => db.selectFrom('admin_units').select(['id', 'path']).where('code', '=', code).executeTakeFirstOrThrow();
  const d1 = await district('320613');
  const d2 = await district('320612');
  const gridIn = async (path: string) => {
    const g = await db.selectFrom('grids').select(['id', 'code']).where('path', 'like', `${path}%`).orderBy('id').executeTakeFirstOrThrow();
    const feature = await ok<{ geometry: Parameters<typeof interiorPoint>[0] }>(admin({ url: `/api/v1/grids/${g.id}` }), 200);
    return { id: g.id, code: g.code, ...interiorPoint(feature.geometry) };
  };
  const grids = { in: await gridIn(d1.path), out: await gridIn(d2.path) };
  const departmentId = (await db.selectFrom('departments').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
  const leafCategory = (await ok<{ service_code: string }[]>(admin({ url: '/open311/v2/services.json' }), 200))[0].service_code;

  const newCase = async (where: Where) => (await ok(admin({
    method: 'POST', url: '/api/v1/cases',
    payload: { channel: 'hotline', requestType: 'complaint', categoryCode: leafCategory, description: `矩阵 ${where}`, location: { lon: grids[where].lon, lat: grids[where].lat }, reporter: { name: '李四', phone: '13900139000' } },
  }))).id;
  const cases = { in: await newCase('in'), out: await newCase('out') };
  const addPhoto = async (caseId: number) => {
    const form = photoForm('photo', await photoBytes());
    return (await ok(admin({ method: 'POST', url: `/api/v1/cases/${caseId}/photos`, headers: { 'content-type': form.contentType }, payload: form.payload }))).id;
  };
  const photos = { in: await addPhoto(cases.in), out: await addPhoto(cases.out) };
  const freshTemplate = async (where: Where) => (await ok(admin({
    method: 'POST', url: '/api/v1/response-templates',
    payload: { title: `模板 ${where}`, body: '您反映的{category}问题已办结。', actions: ['close', 'supervise'], adminUnitId: where === 'in' ? d1.id : d2.id },
  }))).id;
  const templates = { in: await freshTemplate('in'), out: await freshTemplate('out') };

  const passwordHash = await hashPassword(PASSWORD);
  const freshSession = async (userId: number) => {
    const token = crypto.randomBytes(32).toString('base64url');
    await insertSession(db, { tokenHash: sha256(token), userId, expiresAt: new Date(Date.now() + 3600_000), ip: null });
    return token;
  };
  let made = 0;
  const makeUser = async (role: Role, jurisdictionId: number | null, username = `matrix_${role}_${++made}`) => {
    const [id] = await createSystemUsers(t.env, [{
      username, displayName: `矩阵${role}`, passwordHash, role, jurisdictionId: role === 'citizen' ? null : jurisdictionId,
      departmentId: role === 'department_handler' ? departmentId : null, phone: '13700137000',
    }]);
    return id;
  };
  const freshUser = async (role: Role, where: Where) => {
    const id = await makeUser(role, where === 'in' ? d1.id : d2.id);
    return { id, token: await freshSession(id) };
  };
  const users = { in: await makeUser('auditor', d1.id), out: await makeUser('auditor', d2.id) };

  const challenge = async () => {
    const c = (await t.app.inject({ url: '/api/v1/public/challenge' })).json();
    const [, a, op, b] = /(\d+) (加|减) (\d+)/.exec(c.question)!;
    return { id: c.id as string, answer: op === '加' ? Number(a) + Number(b) : Number(a) - Number(b) };
  };
  const reported = await t.app.inject({
    method: 'POST', url: '/api/v1/public/cases', remoteAddress: nextAddress(),
    payload: { description: '路灯不亮', location: { lon: grids.in.lon, lat: grids.in.lat }, reporter: { name: '赵六', phone: '13600136000' }, showPublicly: true, challenge: await challenge() },
  });
  expect(reported.statusCode, reported.body).toBe(201);
  const { ticketNo, secret } = reported.json();
  const publicForm = photoForm('photo', await photoBytes(), { secret });
  const publicPhoto = await t.app.inject({
    method: 'POST', url: `/api/v1/public/cases/${ticketNo}/photos`, remoteAddress: nextAddress(), headers: { 'content-type': publicForm.contentType }, payload: publicForm.payload,
  });
  expect(publicPhoto.statusCode, publicPhoto.body).toBe(201);

  const callers: Caller[] = [{ role: 'anonymous' }];
  for (const role of ROLES) {
    const id = await makeUser(role, d1.id);
    callers.push({ role, userId: id, token: await freshSession(id) });
  }

  return {
    t, districts: { in: d1.id, out: d2.id }, grids, cases, photos, templates, users, departmentId, leafCategory,
    publicCase: { ticketNo, secret, photoId: publicPhoto.json().id }, callers,
    freshUser, freshSession, freshTemplate, challenge, nextAddress,
    caseVersion: async (id) => (await db.selectFrom('cases').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version,
  };
}
