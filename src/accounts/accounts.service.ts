import crypto from 'node:crypto';
import { inScope, requireAccess, requireInScope, scopePrefix, type Actor, type RequestContext, type Role } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import { MicroBatcher, perDatabase } from '../core/batcher.js';
import { hashPassword, sha256, verifyPassword } from '../core/crypto.js';
import type { Env } from '../core/env.js';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../core/errors.js';
import { PersonalDataReader } from '../core/personal-data.js';
import * as geo from '../geo/geo.service.js';
import type { TeamAccount } from '../geo/grid-team.js';
import { departmentsVisibleTo } from '../org/org.service.js';
import type { NewUser, UserChange } from './accounts.contract.js';
import * as repo from './accounts.repo.js';
import type { LoginThrottle } from './login-throttle.js';
import { SessionCache } from './session-cache.js';

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

type SessionUser = Awaited<ReturnType<typeof repo.findUsersBySessions>>[number];

/**
 * Session lookups of requests arriving together share one query: under load every
 * request asks, and one round trip for many keeps the database free for the writes.
 */
const sessionLookups = perDatabase((db: Env['db']) => new MicroBatcher<string, SessionUser | undefined>(async (hashes) => {
  const found = new Map((await repo.findUsersBySessions(db, [...new Set(hashes)])).map((u) => [u.tokenHash, u]));
  return hashes.map((h) => found.get(h));
}, { maxSize: 200, maxInFlight: 4, retrySingly: () => false }));

/** How long a session's user is remembered (session-cache.ts): what another server process may lag by. */
const SESSION_CACHE_MS = 1_000;
const sessionCache = perDatabase((_db: Env['db']) => new SessionCache<Actor>(SESSION_CACHE_MS));

/** The user behind a token, for the authentication hook. */
export async function resolveActor(env: Env, token: string): Promise<Actor | null> {
  const hash = sha256(token);
  const cache = sessionCache(env.db);
  const known = cache.get(hash);
  if (known) return known;
  const since = cache.begin();
  const user = await sessionLookups(env.db).submit(hash);
  if (!user) return null;
  const actor = await toActor(env, user);
  cache.set(hash, actor, since, new Date(user.sessionExpiresAt));
  return actor;
}

/** Runs a change that ends sessions or alters who a user is, then forgets every remembered session. */
async function changingSessions<T>(env: Env, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    // Also after a failure: the commit may have happened before the connection broke.
    sessionCache(env.db).forgetAll();
  }
}

export async function logout(env: Env, ctx: RequestContext, token: string): Promise<void> {
  if (!ctx.actor) throw new UnauthorizedError();
  await changingSessions(env, () => env.db.transaction().execute(async (trx) => {
    await repo.deleteSession(trx, sha256(token));
    await recordAudit(trx, ctx, { action: 'session.logout', targetType: 'user', targetId: ctx.actor!.id, scopePath: ctx.actor!.jurisdictionPath });
  }));
}

/** Changes the caller's password and ends their other sessions. */
export async function changePassword(env: Env, ctx: RequestContext, token: string, current: string, next: string): Promise<void> {
  if (!ctx.actor) throw new UnauthorizedError();
  const user = await repo.findUserById(env.db, ctx.actor.id);
  if (!user || !(await verifyPassword(current, user.passwordHash))) throw new ValidationError('currentPassword', 'the current password is wrong');
  if (current === next) throw new ValidationError('newPassword', 'the new password must differ from the current one');
  const hash = await hashPassword(next);
  await changingSessions(env, () => env.db.transaction().execute(async (trx) => {
    await repo.updatePassword(trx, user.id, hash);
    await repo.deleteSessionsOfUser(trx, user.id, sha256(token));
    await recordAudit(trx, ctx, { action: 'user.password_change', targetType: 'user', targetId: user.id, scopePath: ctx.actor!.jurisdictionPath });
  }));
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
export async function listUsers(env: Env, ctx: RequestContext, filter: { role?: string; covering?: number; q?: string; page: number; pageSize: number }) {
  requireAccess(ctx.actor, 'users.read');
  const prefix = scopePrefix(ctx.actor);
  let jurisdictionIds: number[] | 'all' = prefix === '' ? 'all' : await geo.unitIdsUnder(env, prefix);
  if (filter.covering !== undefined) {
    // The unit and those above it, as far as the caller's jurisdiction reaches.
    const chain = (await geo.getAdminUnitChain(env, filter.covering)).map((u) => u.id);
    if (chain.length === 0) throw new ValidationError('covering', 'covering is not a known admin unit');
    jurisdictionIds = jurisdictionIds === 'all' ? chain : chain.filter((id) => (jurisdictionIds as number[]).includes(id));
  }
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

/**
 * Why `actor` may not give a user of `role` the area at `unitPath`, or null when she may: an admin
 * unit inside her jurisdiction (`undefined`: no such unit), or none (null, the whole instance) only
 * from an administrator of the whole instance, citizens aside. `named` is the field or column.
 */
export function areaProblem(actor: Actor, role: Role, unitPath: string | null | undefined, named: string): string | null {
  const prefix = scopePrefix(actor);
  // A citizen's account without an area would be out of every administrator's sight but the instance's.
  if (unitPath === null) return prefix !== '' ? `no ${named} means the whole instance, which only an instance-wide administrator may give` : null;
  return unitPath === undefined || !unitPath.startsWith(prefix) ? `${named} is not an admin unit in your jurisdiction` : null;
}

/** The path of the area a user is given (see areaProblem). */
async function areaPathFor(env: Env, actor: Actor, jurisdictionId: number | null, role: Role): Promise<string> {
  const unitPath = jurisdictionId === null ? null : (await geo.unitPath(env, jurisdictionId)) ?? undefined;
  const problem = areaProblem(actor, role, unitPath, 'jurisdictionId');
  if (problem) throw new ValidationError('jurisdictionId', problem);
  return unitPath ?? '';
}

/**
 * Why a user of `role` may not have this department, or null: a department handler works the
 * cases of one department, so she needs one, and it must be one the administrator may name, in
 * or above her jurisdiction (`exists`; another district's answers as none). `named` is the field or column.
 */
export function departmentProblem(role: Role, departmentId: number | null, exists: boolean, named: string): string | null {
  if (departmentId === null) return role === 'department_handler' ? `${named} is missing: a department handler needs the id of her department` : null;
  return exists ? null : `${named} ${departmentId} does not exist`;
}

async function checkDepartment(env: Env, actor: Actor, role: Role, departmentId: number | null): Promise<void> {
  const exists = departmentId !== null && (await departmentsVisibleTo(env, actor, [departmentId])).has(departmentId);
  const problem = departmentProblem(role, departmentId, exists, 'departmentId');
  if (problem) throw new ValidationError('departmentId', problem);
}

/** Creates a staff or citizen account inside the caller's jurisdiction. */
export async function createUser(env: Env, ctx: RequestContext, input: NewUser): Promise<UserView> {
  requireAccess(ctx.actor, 'users.write');
  const path = await areaPathFor(env, ctx.actor, input.jurisdictionId, input.role);
  await checkDepartment(env, ctx.actor, input.role, input.departmentId ?? null);
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
  }).catch((err: unknown) => {
    // Two requests for one new name at once: both passed the look above, the second's insert is refused.
    if ((err as { code?: unknown }).code === '23505') throw new ConflictError(`username ${input.username} is taken`, 'username');
    throw err;
  });
  return getUser(env, ctx, id);
}

/** What no one may change of their own account: it would let them widen their own powers or lock themselves out. */
const NOT_OF_ONESELF = ['role', 'jurisdictionId', 'departmentId', 'active'] as const;

/**
 * Changes an account: a grid worker moved to another community, a handler to another
 * department, a name or phone corrected, a deactivated account let back in. The user's
 * sessions take the change at their next request; deactivation ends them.
 */
export async function updateUser(env: Env, ctx: RequestContext, id: number, change: UserChange): Promise<UserView> {
  requireAccess(ctx.actor, 'users.write');
  const user = await userInScope(env, ctx.actor, id);
  if (user.id === ctx.actor.id) {
    const field = NOT_OF_ONESELF.find((f) => change[f] !== undefined);
    if (field) throw new ForbiddenError(`you cannot change your own ${field}; another administrator can`);
  }
  const role = change.role ?? (user.role as Role);
  const jurisdictionId = change.jurisdictionId !== undefined ? change.jurisdictionId : user.jurisdictionId;
  // A handler moved to another role leaves her department: it would still bring her its messages.
  const leavesDepartment = user.role === 'department_handler' && role !== 'department_handler';
  const departmentId = change.departmentId !== undefined ? change.departmentId : leavesDepartment ? null : user.departmentId;
  const path = change.jurisdictionId !== undefined || change.role !== undefined ? await areaPathFor(env, ctx.actor, jurisdictionId, role) : user.path;
  if (change.departmentId !== undefined || change.role !== undefined) await checkDepartment(env, ctx.actor, role, departmentId);
  const next = { displayName: change.displayName ?? user.displayName, role, jurisdictionId, departmentId, active: change.active ?? user.active };
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== user[k]);
  if (changed.length === 0 && change.phone === undefined) return getUser(env, ctx, id);
  const delta = Object.fromEntries(changed.map((k) => [k, next[k]]));
  // The phone is personal data: the audit says whether there is one, never what it is.
  const phoneNow = (enc: string | null) => (enc === null ? null : 'set');
  const before = { ...Object.fromEntries(changed.map((k) => [k, user[k]])), ...(change.phone !== undefined ? { phone: phoneNow(user.phoneEnc) } : {}) };
  const after = { ...delta, ...(change.phone !== undefined ? { phone: phoneNow(change.phone) } : {}) };
  await changingSessions(env, () => env.db.transaction().execute(async (trx) => {
    await repo.updateUser(trx, id, { ...delta, ...(change.phone !== undefined ? { phoneEnc: env.cipher.encryptOptional(change.phone) } : {}) });
    if (!next.active) await repo.deleteSessionsOfUser(trx, id);
    // A user moved between areas is recorded in both, so that the auditors of each see the move.
    const scopes = path === user.path ? [path] : [user.path, path];
    await recordAudit(trx, ctx, scopes.map((scopePath) => ({ action: 'user.update', targetType: 'user', targetId: id, scopePath, before, after })));
  }));
  return getUser(env, ctx, id);
}

/**
 * The staff accounts among `ids` within the caller's jurisdiction, as a grid's team needs to
 * know them (geo/grid-team.ts): the others are left out, as if unknown.
 */
export async function teamAccounts(env: Env, ctx: RequestContext, ids: number[]): Promise<Map<number, TeamAccount>> {
  requireAccess(ctx.actor, 'users.read');
  return new Map((await asTeamAccounts(env, ctx.actor, await repo.findUsersById(env.db, ids))).map((a) => [a.id, a]));
}

/**
 * Staff members' display names by id, for figures that name who did the work (staff, not
 * residents: no personal data of the public).
 */
export async function staffNames(env: Env, ids: number[]): Promise<Map<number, string>> {
  return new Map((await repo.findUsersById(env.db, ids)).map((u) => [Number(u.id), u.displayName]));
}

/** The same, by username, for an import of grid members that names accounts. */
export async function teamAccountsByUsername(env: Env, ctx: RequestContext, usernames: string[]): Promise<Map<string, TeamAccount>> {
  requireAccess(ctx.actor, 'users.read');
  const users = await repo.findUsersByUsername(env.db, usernames);
  const accounts = new Map((await asTeamAccounts(env, ctx.actor, users)).map((a) => [a.id, a]));
  return new Map(users.flatMap((u) => (accounts.has(u.id) ? [[u.username, accounts.get(u.id)!]] : [])));
}

async function asTeamAccounts(env: Env, actor: Actor, users: repo.UserRecord[]): Promise<TeamAccount[]> {
  const found: TeamAccount[] = [];
  for (const user of users) {
    const path = user.jurisdictionId === null ? '' : (await geo.unitPath(env, user.jurisdictionId)) ?? '';
    if (user.role !== 'citizen' && inScope(actor, path)) {
      found.push({ id: user.id, role: user.role, active: user.active, displayName: user.displayName, path });
    }
  }
  return found;
}

/** The id of the account with this username, or null. */
export async function userIdByUsername(env: Env, username: string): Promise<number | null> {
  return (await repo.findUserByUsername(env.db, username))?.id ?? null;
}

/** Sets a new password for someone who lost theirs; every session of theirs ends. */
export async function resetPassword(env: Env, ctx: RequestContext, id: number, newPassword: string): Promise<void> {
  requireAccess(ctx.actor, 'users.write');
  const user = await userInScope(env, ctx.actor, id);
  if (user.id === ctx.actor.id) throw new ConflictError('change your own password with POST /api/v1/auth/password, which asks for the current one');
  const hash = await hashPassword(newPassword);
  await changingSessions(env, () => env.db.transaction().execute(async (trx) => {
    await repo.updatePassword(trx, id, hash);
    await repo.deleteSessionsOfUser(trx, id);
    await recordAudit(trx, ctx, { action: 'user.password_reset', targetType: 'user', targetId: id, scopePath: user.path });
  }));
}

/** Deactivates a user and ends their sessions; their history stays. */
export async function deactivateUser(env: Env, ctx: RequestContext, id: number): Promise<void> {
  requireAccess(ctx.actor, 'users.write');
  const user = await userInScope(env, ctx.actor, id);
  if (user.id === ctx.actor.id) throw new ConflictError('you cannot deactivate yourself');
  await changingSessions(env, () => env.db.transaction().execute(async (trx) => {
    await repo.setUserActive(trx, id, false);
    await repo.deleteSessionsOfUser(trx, id);
    await recordAudit(trx, ctx, { action: 'user.deactivate', targetType: 'user', targetId: id, scopePath: user.path, before: { active: user.active }, after: { active: false } });
  }));
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
