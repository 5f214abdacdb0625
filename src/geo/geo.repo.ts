import { sql, type Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { DB } from '../core/db.types.js';
import { escapeLike } from '../core/sql.js';
import type { Area } from './geometry.js';
import type { AdminLevel } from './geo.contract.js';

export type { AdminLevel };

type Conn = Db | Transaction<DB>;

/** An admin unit without its boundary (the tree is kept in memory; boundaries are read on demand). */
export interface AdminUnitRecord {
  id: number;
  code: string;
  name: string;
  level: AdminLevel;
  parentId: number | null;
  path: string;
}

export interface GridRecord {
  id: number;
  code: string;
  name: string;
  communityId: number;
  path: string;
  areaM2: number;
  households: number | null;
}

export interface GridMemberRecord {
  id: number;
  gridId: number;
  role: 'worker' | 'leader' | 'police_officer' | 'judge' | 'prosecutor' | 'lawyer';
  name: string;
  organization: string | null;
  phoneEnc: string | null;
  userId: number | null;
}

export function listAdminUnits(db: Conn): Promise<AdminUnitRecord[]> {
  return db.selectFrom('admin_units')
    .select(['id', 'code', 'name', 'level', 'parent_id as parentId', 'path'])
    .orderBy('code')
    .execute();
}

export async function adminUnitBoundaries(db: Conn, ids: number[]): Promise<Map<number, Area>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('admin_units').select(['id', 'boundary'])
    .where('id', 'in', ids).where('boundary', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.boundary as Area]));
}

/** A cheap fingerprint of the geography: changes whenever a unit or grid is added, changed or removed. */
export async function geoRevision(db: Conn): Promise<string> {
  const { rows } = await sql<{ revision: string }>`
    select concat_ws(':',
      (select count(*) from admin_units), (select max(updated_at) from admin_units),
      (select count(*) from grids), (select max(updated_at) from grids), (select max(id) from grids)) as revision`.execute(db);
  return rows[0].revision;
}

export interface AdminUnitUpsert {
  code: string;
  name: string;
  level: AdminLevel;
  parentId: number | null;
  boundary: Area | null;
}

/**
 * Inserts or updates one unit by code and sets its path from its parent's.
 * Parents must be written before children (callers sort by level).
 */
export async function upsertAdminUnit(db: Conn, unit: AdminUnitUpsert, parentPath: string): Promise<AdminUnitRecord> {
  const boundary = unit.boundary ? JSON.stringify(unit.boundary) : null;
  const row = await db.insertInto('admin_units')
    .values({ code: unit.code, name: unit.name, level: unit.level, parent_id: unit.parentId, path: '', boundary })
    .onConflict((oc) => oc.column('code').doUpdateSet({
      name: unit.name,
      level: unit.level,
      parent_id: unit.parentId,
      boundary: boundary ?? sql`admin_units.boundary`,
      updated_at: new Date(),
    }))
    .returning(['id', 'code', 'name', 'level', 'parent_id as parentId'])
    .executeTakeFirstOrThrow();
  const path = `${parentPath}${row.id}/`;
  await db.updateTable('admin_units').set({ path }).where('id', '=', row.id).execute();
  return { ...row, path };
}

/** Bulk insert for the demo seeder, whose units are new: paths are set from the returned ids. */
export async function insertAdminUnits(db: Conn, units: AdminUnitUpsert[], parentPaths: string[]): Promise<AdminUnitRecord[]> {
  const out: AdminUnitRecord[] = [];
  for (let i = 0; i < units.length; i += 500) {
    const chunk = units.slice(i, i + 500);
    const rows = await db.insertInto('admin_units')
      .values(chunk.map((u) => ({
        code: u.code, name: u.name, level: u.level, parent_id: u.parentId, path: '',
        boundary: u.boundary ? JSON.stringify(u.boundary) : null,
      })))
      .returning(['id', 'code', 'name', 'level', 'parent_id as parentId'])
      .execute();
    const paths = rows.map((r, j) => `${parentPaths[i + j]}${r.id}/`);
    await sql`update admin_units a set path = s.path
      from unnest(${rows.map((r) => r.id)}::bigint[], ${paths}::text[]) as s(id, path) where a.id = s.id`.execute(db);
    rows.forEach((r, j) => out.push({ ...r, path: paths[j] }));
  }
  return out;
}

export interface GridWrite {
  code: string;
  name: string;
  communityId: number;
  path: string;
  boundary: Area;
  bbox: [number, number, number, number];
  areaM2: number;
  households: number | null;
}

/** Inserts or updates grids by code; returns ids in input order. */
export async function upsertGrids(db: Conn, grids: GridWrite[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < grids.length; i += 500) {
    const rows = await db.insertInto('grids')
      .values(grids.slice(i, i + 500).map((g) => ({
        code: g.code, name: g.name, community_id: g.communityId, path: g.path, boundary: JSON.stringify(g.boundary),
        min_lon: g.bbox[0], min_lat: g.bbox[1], max_lon: g.bbox[2], max_lat: g.bbox[3], area_m2: g.areaM2, households: g.households,
      })))
      .onConflict((oc) => oc.column('code').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'), community_id: eb.ref('excluded.community_id'), path: eb.ref('excluded.path'),
        boundary: eb.ref('excluded.boundary'), min_lon: eb.ref('excluded.min_lon'), min_lat: eb.ref('excluded.min_lat'),
        max_lon: eb.ref('excluded.max_lon'), max_lat: eb.ref('excluded.max_lat'), area_m2: eb.ref('excluded.area_m2'),
        households: eb.ref('excluded.households'), updated_at: new Date(),
      })))
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** Grids of these communities whose code is not in `keep`: what an import replaces. */
export function gridsToRetire(db: Conn, communityIds: number[], keep: string[]) {
  let q = db.selectFrom('grids').select(['id', 'code', 'name', 'community_id as communityId', 'path'])
    .where('community_id', 'in', communityIds);
  if (keep.length) q = q.where('code', 'not in', keep);
  return q.execute();
}

export async function deleteGrids(db: Conn, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await db.deleteFrom('grids').where('id', 'in', ids.slice(i, i + 1000)).execute();
  }
}

/** Grids (with boundaries) outside `exceptCommunityIds` whose bbox meets `bbox`: neighbours an import must not overlap. */
export function gridsMeetingBbox(db: Conn, bbox: [number, number, number, number], exceptCommunityIds: number[]) {
  let q = db.selectFrom('grids').select(['id', 'code', 'boundary', 'community_id as communityId', 'path'])
    .where('min_lon', '<=', bbox[2]).where('max_lon', '>=', bbox[0])
    .where('min_lat', '<=', bbox[3]).where('max_lat', '>=', bbox[1]);
  if (exceptCommunityIds.length) q = q.where('community_id', 'not in', exceptCommunityIds);
  return q.execute();
}

/** Every grid's id and boundary, streamed in pages so a large city does not sit in memory twice. */
export async function* allGridBoundaries(db: Conn, pageSize = 2000) {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('grids')
      .select(['id', 'code', 'name', 'community_id as communityId', 'boundary'])
      .where('id', '>', after).orderBy('id').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1].id;
  }
}

/** The boundaries of the grids under a path prefix, streamed in pages by id (the map's outlines). */
export async function* gridBoundariesUnder(db: Conn, pathPrefix: string, pageSize = 2000) {
  let after = 0;
  for (;;) {
    let q = db.selectFrom('grids')
      .select(['id', 'code', 'name', 'community_id as communityId', 'boundary'])
      .where('id', '>', after);
    if (pathPrefix !== '') q = q.where('path', 'like', `${escapeLike(pathPrefix)}%`);
    const rows = await q.orderBy('id').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1].id;
  }
}

const gridColumns = [
  'id', 'code', 'name', 'community_id as communityId', 'path', 'area_m2 as areaM2', 'households',
] as const;

export async function listGrids(db: Conn, filter: { pathPrefix: string; q?: string; limit: number; offset: number }) {
  let q = db.selectFrom('grids').where('path', 'like', `${filter.pathPrefix}%`);
  if (filter.q) q = q.where((eb) => eb.or([eb('code', 'like', `${escapeLike(filter.q!)}%`), eb('name', 'like', `%${escapeLike(filter.q!)}%`)]));
  const [rows, count] = await Promise.all([
    q.select(gridColumns).orderBy('code').limit(filter.limit).offset(filter.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as GridRecord[], total: count.n };
}

export async function findGrid(db: Conn, id: number) {
  return db.selectFrom('grids').select([...gridColumns, 'boundary']).where('id', '=', id).executeTakeFirst();
}

export async function findGridIdsByCode(db: Conn, codes: string[]): Promise<Map<string, { id: number; path: string }>> {
  const out = new Map<string, { id: number; path: string }>();
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = await db.selectFrom('grids').select(['id', 'code', 'path']).where('code', 'in', codes.slice(i, i + 1000)).execute();
    for (const r of rows) out.set(r.code, { id: r.id, path: r.path });
  }
  return out;
}

export function gridMembers(db: Conn, gridId: number): Promise<GridMemberRecord[]> {
  return db.selectFrom('grid_members')
    .select(['id', 'grid_id as gridId', 'role', 'name', 'organization', 'phone_enc as phoneEnc', 'user_id as userId'])
    .where('grid_id', '=', gridId).orderBy('id').execute();
}

export interface GridMemberWrite {
  gridId: number;
  role: GridMemberRecord['role'];
  name: string;
  organization: string | null;
  phoneEnc: string | null;
  userId: number | null;
}

export async function insertGridMembers(db: Conn, members: GridMemberWrite[]): Promise<void> {
  for (let i = 0; i < members.length; i += 1000) {
    await db.insertInto('grid_members').values(members.slice(i, i + 1000).map((m) => ({
      grid_id: m.gridId, role: m.role, name: m.name, organization: m.organization, phone_enc: m.phoneEnc, user_id: m.userId,
    }))).execute();
  }
}

/** Removes the grids' members; answers who they were, for the audit trail. */
export async function deleteGridMembers(db: Conn, gridIds: number[]): Promise<Omit<GridMemberRecord, 'id'>[]> {
  const removed: Omit<GridMemberRecord, 'id'>[] = [];
  for (let i = 0; i < gridIds.length; i += 1000) {
    removed.push(...await db.deleteFrom('grid_members').where('grid_id', 'in', gridIds.slice(i, i + 1000))
      .returning(['grid_id as gridId', 'role', 'name', 'organization', 'phone_enc as phoneEnc', 'user_id as userId']).execute());
  }
  return removed;
}
