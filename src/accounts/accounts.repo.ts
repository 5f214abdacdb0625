import type { Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { DB } from '../core/db.types.js';
import { escapeLike } from '../core/sql.js';

type Conn = Db | Transaction<DB>;

/** A user row as services see it. */
export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  passwordHash: string;
  role: string;
  jurisdictionId: number | null;
  departmentId: number | null;
  phoneEnc: string | null;
  active: boolean;
}

const userColumns = [
  'users.id', 'users.username', 'users.display_name as displayName', 'users.password_hash as passwordHash',
  'users.role', 'users.jurisdiction_id as jurisdictionId', 'users.department_id as departmentId',
  'users.phone_enc as phoneEnc', 'users.active',
] as const;

export function findUserByUsername(db: Conn, username: string): Promise<UserRecord | undefined> {
  return db.selectFrom('users').select(userColumns).where('username', '=', username).executeTakeFirst();
}

export function findUserById(db: Conn, id: number): Promise<UserRecord | undefined> {
  return db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
}

export async function findUsersById(db: Conn, ids: number[]): Promise<UserRecord[]> {
  const found: UserRecord[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    found.push(...await db.selectFrom('users').select(userColumns).where('id', 'in', ids.slice(i, i + 1000)).execute());
  }
  return found;
}

export async function findUsersByUsername(db: Conn, usernames: string[]): Promise<UserRecord[]> {
  const found: UserRecord[] = [];
  for (let i = 0; i < usernames.length; i += 1000) {
    found.push(...await db.selectFrom('users').select(userColumns).where('username', 'in', usernames.slice(i, i + 1000)).execute());
  }
  return found;
}

/** The active users behind these session token hashes, for the sessions that have not expired. */
export function findUsersBySessions(db: Conn, tokenHashes: string[]): Promise<(UserRecord & { tokenHash: string; sessionExpiresAt: Date | string })[]> {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([...userColumns, 'sessions.token_hash as tokenHash', 'sessions.expires_at as sessionExpiresAt'])
    .where('sessions.token_hash', 'in', tokenHashes)
    .where('sessions.expires_at', '>', new Date())
    .where('users.active', '=', true)
    .execute();
}

export async function insertSession(db: Conn, row: { tokenHash: string; userId: number; expiresAt: Date; ip: string | null }) {
  await db.insertInto('sessions')
    .values({ token_hash: row.tokenHash, user_id: row.userId, expires_at: row.expiresAt, ip: row.ip })
    .execute();
}

export async function deleteSession(db: Conn, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOfUser(db: Conn, userId: number, exceptTokenHash?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptTokenHash) q = q.where('token_hash', '!=', exceptTokenHash);
  await q.execute();
}

export async function updatePassword(db: Conn, userId: number, passwordHash: string): Promise<void> {
  await db.updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: new Date(), updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

export type NewUserRow = Omit<UserRecord, 'id' | 'active'>;

/** Inserts users in one statement per thousand; returns their ids in order. */
export async function insertUsers(db: Conn, users: NewUserRow[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < users.length; i += 1000) {
    const rows = await db.insertInto('users').values(users.slice(i, i + 1000).map((u) => ({
      username: u.username, display_name: u.displayName, password_hash: u.passwordHash, role: u.role,
      jurisdiction_id: u.jurisdictionId, department_id: u.departmentId, phone_enc: u.phoneEnc,
    }))).returning('id').execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** Writes the given fields of a user; the rest stay. */
export async function updateUser(db: Conn, userId: number, change: Partial<Omit<NewUserRow, 'username' | 'passwordHash'> & { active: boolean }>): Promise<void> {
  const columns = {
    display_name: change.displayName, role: change.role, jurisdiction_id: change.jurisdictionId,
    department_id: change.departmentId, phone_enc: change.phoneEnc, active: change.active,
  };
  const set = Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
  await db.updateTable('users').set({ ...set, updated_at: new Date() }).where('id', '=', userId).execute();
}

export async function setUserActive(db: Conn, userId: number, active: boolean): Promise<void> {
  await db.updateTable('users').set({ active, updated_at: new Date() }).where('id', '=', userId).execute();
}

/** Users whose jurisdiction id is in `jurisdictionIds` (or, with `includeUnscoped`, has none), paged. */
export async function listUsers(
  db: Conn,
  filter: { jurisdictionIds: number[] | 'all'; role?: string; q?: string; limit: number; offset: number },
): Promise<{ rows: UserRecord[]; total: number }> {
  let q = db.selectFrom('users');
  if (filter.jurisdictionIds !== 'all') {
    q = filter.jurisdictionIds.length
      ? q.where('jurisdiction_id', 'in', filter.jurisdictionIds)
      : q.where(({ lit }) => lit(false));
  }
  if (filter.role) q = q.where('role', '=', filter.role);
  if (filter.q) q = q.where((eb) => eb.or([eb('username', 'ilike', `%${escapeLike(filter.q!)}%`), eb('display_name', 'ilike', `%${escapeLike(filter.q!)}%`)]));
  const [rows, count] = await Promise.all([
    q.select(userColumns).orderBy('users.id').limit(filter.limit).offset(filter.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count.n };
}

export async function findApiKey(db: Conn, keyHash: string) {
  return db.selectFrom('api_keys')
    .select(['id', 'name', 'jurisdiction_id as jurisdictionId'])
    .where('key_hash', '=', keyHash).where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function insertApiKey(db: Conn, row: { name: string; keyHash: string; jurisdictionId: number }) {
  await db.insertInto('api_keys').values({ name: row.name, key_hash: row.keyHash, jurisdiction_id: row.jurisdictionId }).execute();
}
