import crypto from 'node:crypto';
import { requireAccess, requireInScope, scopePrefix, type Actor, type RequestContext, type Role } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import { MicroBatcher, perDatabase } from '../core/batcher.js';
import { hashPassword, sha256, verifyPassword } from '../core/crypto.js';
import type { Env } from '../core/env.js';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../core/errors.js';
import { PersonalDataReader } from '../core/personal-data.js';
import * as geo from '../geo/geo.service.js';
import { departmentsById } from '../org/org.service.js';
import * as repo from './accounts.repo.js';
import type { LoginThrottle } from './login-throttle.js';

/** A user as responses show them: never the password hash, phone masked unless the caller needs it. */
export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  jurisdiction: { id: number; code: string; name: string; level: string } | null;
  departmentId: number | null;
  phone: string | null;
  active: boolean;
}

async function present(env: Env, user: repo.UserRecord, reader: PersonalDataReader): Promise<UserView> {
  const path = user.jurisdictionId === null ? '' : await geo.unitPath(env, user.jurisdictionId);
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role as Role,
    jurisdiction: user.jurisdictionId === null ? null : await geo.unitRef(env, user.jurisdictionId),
    departmentId: user.departmentId,
    phone: reader.phone(user.phoneEnc, { targetType: 'user', targetId: user.id, scopePath: path }),
    active: user.active,
  };
}

async function toActor(env: Env, user: repo.UserRecord): Promise<Actor> {
  // A citizen has no jurisdiction and sees no staff records; staff without one see the whole instance.
  const path = user.role === 'citizen' ? null
    : user.jurisdictionId === null ? '' : await geo.unitPath(env, user.jurisdictionId);
  return {
    id: user.id, username: user.username, displayName: user.displayName, role: user.role as Role,
    jurisdictionId: user.jurisdictionId, jurisdictionPath: path, departmentId: user.departmentId,
  };
}

/** Checks a password and opens a session; the token is shown once and stored only as its hash. */
export async function login(env: Env, ctx: RequestContext, throttle: LoginThrottle, username: string, password: string) {
  const ip = ctx.ip ?? 'unknown';
  throttle.check(ip, username);
  const user = await repo.findUserByUsername(env.db, username);
  // Hash even for an unknown user, so timing does not tell which usernames exist.
  const ok = user ? await verifyPassword(password, user.passwordHash) : (await hashPassword(password), false);
  if (!user || !ok || !user.active) {
    throttle.fail(ip, username);
    throw new UnauthorizedError('wrong username or password');
  }
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + env.config.sessionHours * 3600_000);
  const actor = await toActor(env, user);
  await env.db.transaction().execute(async (trx) => {
    await repo.insertSession(trx, { tokenHash: sha256(token), userId: user.id, expiresAt, ip: ctx.ip ?? null });
    await recordAudit(trx, { ...ctx, actor }, { action: 'session.login', targetType: 'user', targetId: user.id, scopePath: actor.jurisdictionPath });
  });
  const reader = new PersonalDataReader(env, ctx);
  return { token, expiresAt: expiresAt.toISOString(), user: await present(env, user, reader) };
}

/**
 * Session lookups of requests arriving together share one query: under load every
 * request asks, and one round trip for many keeps the database free for the writes.
 */
const sessionLookups = perDatabase((db: Env['db']) => new MicroBatcher<string, repo.UserRecord | undefined>(async (hashes) => {
  const found = new Map((await repo.findUsersBySessions(db, [...new Set(hashes)])).map((u) => [u.tokenHash, u]));
  return hashes.map((h) => found.get(h));
}, { maxSize: 200, maxInFlight: 4, retrySingly: () => false }));

/** The user behind a token, for the authentication hook. */
export async function resolveActor(env: Env, token: string): Promise<Actor | null> {
  const user = await sessionLookups(env.db).submit(sha256(token));
  return user ? toActor(env, user) : null;
}

export async function logout(env: Env, ctx: RequestContext, token: string): Promise<void> {
  if (!ctx.actor) throw new UnauthorizedError();
  await env.db.transaction().execute(async (trx) => {
    await repo.deleteSession(trx, sha256(token));
    await recordAudit(trx, ctx, { action: 'session.logout', targetType: 'user', targetId: ctx.actor!.id, scopePath: ctx.actor!.jurisdictionPath });
  });
}

/** Changes the caller's password and ends their other sessions. */
export async function changePassword(env: Env, ctx: RequestContext, token: string, current: string, next: string): Promise<void> {
  if (!ctx.actor) throw new UnauthorizedError();
  const user = await repo.findUserById(env.db, ctx.actor.id);
  if (!user || !(await verifyPassword(current, user.passwordHash))) throw new ValidationError('currentPassword', 'the current password is wrong');
  if (current === next) throw new ValidationError('newPassword', 'the new password must differ from the current one');
  const hash = await hashPassword(next);
  await env.db.transaction().execute(async (trx) => {
    await repo.updatePassword(trx, user.id, hash);
    await repo.deleteSessionsOfUser(trx, user.id, sha256(token));
    await recordAudit(trx, ctx, { action: 'user.password_change', targetType: 'user', targetId: user.id, scopePath: ctx.actor!.jurisdictionPath });
  });
}

export async function me(env: Env, ctx: RequestContext): Promise<UserView> {
  if (!ctx.actor) throw new UnauthorizedError();
  const user = await repo.findUserById(env.db, ctx.actor.id);
  if (!user) throw new UnauthorizedError();
  // Your own phone is yours to see.
  const reader = new PersonalDataReader(env, { ...ctx, actor: null });
  const view = await present(env, user, reader);
  return { ...view, phone: user.phoneEnc ? env.cipher.decrypt(user.phoneEnc) : null };
}

/** Users within the caller's jurisdiction. */
export async function listUsers(env: Env, ctx: RequestContext, filter: { role?: string; q?: string; page: number; pageSize: number }) {
  requireAccess(ctx.actor, 'users.read');
  const prefix = scopePrefix(ctx.actor);
  const jurisdictionIds = prefix === '' ? 'all' as const : await geo.unitIdsUnder(env, prefix);
  const { rows, total } = await repo.listUsers(env.db, { ...filter, jurisdictionIds, limit: filter.pageSize, offset: (filter.page - 1) * filter.pageSize });
  const reader = new PersonalDataReader(env, ctx);
  const items = [];
  for (const row of rows) items.push(await present(env, row, reader));
  await reader.flush();
  return { items, total, page: filter.page, pageSize: filter.pageSize };
}

async function userInScope(env: Env, actor: Actor, id: number): Promise<repo.UserRecord & { path: string }> {
  const user = await repo.findUserById(env.db, id);
  if (!user) throw new NotFoundError('user');
  const path = user.jurisdictionId === null ? '' : (await geo.unitPath(env, user.jurisdictionId)) ?? '';
  requireInScope(actor, path, 'user');
  return { ...user, path };
}

export async function getUser(env: Env, ctx: RequestContext, id: number): Promise<UserView> {
  requireAccess(ctx.actor, 'users.read');
  const user = await userInScope(env, ctx.actor, id);
  const reader = new PersonalDataReader(env, ctx);
  const view = await present(env, user, reader);
  await reader.flush();
  return view;
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  jurisdictionId: number | null;
  departmentId?: number | null;
  phone?: string | null;
}

/** Creates a staff or citizen account inside the caller's jurisdiction. */
export async function createUser(env: Env, ctx: RequestContext, input: NewUser): Promise<UserView> {
  requireAccess(ctx.actor, 'users.write');
  const prefix = scopePrefix(ctx.actor);
  let path = '';
  if (input.jurisdictionId !== null) {
    const unitPath = await geo.unitPath(env, input.jurisdictionId);
    if (unitPath === null || !unitPath.startsWith(prefix)) throw new ValidationError('jurisdictionId', 'jurisdictionId is not an admin unit in your jurisdiction');
    path = unitPath;
  } else if (prefix !== '' && input.role !== 'citizen') {
    throw new ValidationError('jurisdictionId', 'only an instance-wide administrator may create instance-wide staff');
  }
  if (input.departmentId != null && !(await departmentsById(env, [input.departmentId])).has(input.departmentId)) {
    throw new ValidationError('departmentId', `department ${input.departmentId} does not exist`);
  }
  if (await repo.findUserByUsername(env.db, input.username)) throw new ConflictError(`username ${input.username} is taken`, 'username');
  const passwordHash = await hashPassword(input.password);
  const id = await env.db.transaction().execute(async (trx) => {
    const [id] = await repo.insertUsers(trx, [{
      username: input.username, displayName: input.displayName, passwordHash, role: input.role,
      jurisdictionId: input.jurisdictionId, departmentId: input.departmentId ?? null, phoneEnc: env.cipher.encryptOptional(input.phone),
    }]);
    await recordAudit(trx, ctx, {
      action: 'user.create', targetType: 'user', targetId: id, scopePath: path,
      after: { username: input.username, displayName: input.displayName, role: input.role, jurisdictionId: input.jurisdictionId, departmentId: input.departmentId ?? null },
    });
    return id;
  });
  return getUser(env, ctx, id);
}

/** Deactivates a user and ends their sessions; their history stays. */
export async function deactivateUser(env: Env, ctx: RequestContext, id: number): Promise<void> {
  requireAccess(ctx.actor, 'users.write');
  const user = await userInScope(env, ctx.actor, id);
  if (user.id === ctx.actor.id) throw new ConflictError('you cannot deactivate yourself');
  await env.db.transaction().execute(async (trx) => {
    await repo.setUserActive(trx, id, false);
    await repo.deleteSessionsOfUser(trx, id);
    await recordAudit(trx, ctx, { action: 'user.deactivate', targetType: 'user', targetId: id, scopePath: user.path, before: { active: user.active }, after: { active: false } });
  });
}

/** The jurisdiction an Open311 API key acts for, or null when the key is unknown or revoked. */
export async function resolveApiKey(env: Env, key: string) {
  return (await repo.findApiKey(env.db, sha256(key))) ?? null;
}


/** Accounts made by the system itself (the demo seeder), audited as such; passwords given already hashed. */
export async function createSystemUsers(env: Env, users: (Omit<NewUser, 'password'> & { passwordHash: string })[]): Promise<number[]> {
  // Read what the audit needs before the transaction: inside it, only `trx` may be used.
  const paths = await Promise.all(users.map((u) => (u.jurisdictionId === null ? '' : geo.unitPath(env, u.jurisdictionId))));
  return env.db.transaction().execute(async (trx) => {
    const ids = await repo.insertUsers(trx, users.map((u) => ({
      username: u.username, displayName: u.displayName, passwordHash: u.passwordHash, role: u.role,
      jurisdictionId: u.jurisdictionId, departmentId: u.departmentId ?? null, phoneEnc: env.cipher.encryptOptional(u.phone),
    })));
    await recordAudit(trx, { actor: null }, users.map((u, i) => ({
      action: 'user.create', targetType: 'user', targetId: ids[i], scopePath: paths[i],
      after: { username: u.username, displayName: u.displayName, role: u.role, jurisdictionId: u.jurisdictionId, departmentId: u.departmentId ?? null },
    })));
    return ids;
  });
}

/** Registers an Open311 API key for a jurisdiction; the key itself is kept only as its hash. */
export async function createSystemApiKey(env: Env, name: string, key: string, jurisdictionId: number): Promise<void> {
  const scopePath = await geo.unitPath(env, jurisdictionId);
  await env.db.transaction().execute(async (trx) => {
    await repo.insertApiKey(trx, { name, keyHash: sha256(key), jurisdictionId });
    await recordAudit(trx, { actor: null }, { action: 'api_key.create', targetType: 'api_key', targetId: name, scopePath });
  });
}
