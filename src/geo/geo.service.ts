import { requireAccess, requireInScope, scopePrefix, type RequestContext } from '../core/access.js';
import type { Env } from '../core/env.js';
import { NotFoundError } from '../core/errors.js';
import { PersonalDataReader } from '../core/personal-data.js';
import type { Area } from './geometry.js';
import { geoState } from './geo.state.js';
import * as repo from './geo.repo.js';
import type { AdminLevel, AdminUnitRecord, GridMemberRecord } from './geo.repo.js';

/** Reading the geography: the admin tree, grids, point lookup and exports (writes: geo-write.service.ts). */

export const LEVELS: AdminLevel[] = ['city', 'district', 'township', 'community'];

/** A unit as responses show it. */
export interface AdminUnitRef {
  id: number;
  code: string;
  name: string;
  level: AdminLevel;
}

export interface AdminUnitNode extends AdminUnitRef {
  children: AdminUnitNode[];
}

const ref = (u: AdminUnitRecord): AdminUnitRef => ({ id: u.id, code: u.code, name: u.name, level: u.level });

/** The admin tree under the caller's jurisdiction, down to `maxLevel`. */
export async function adminUnitTree(env: Env, ctx: RequestContext, opts: { maxLevel?: AdminLevel }): Promise<AdminUnitNode[]> {
  requireAccess(ctx.actor, 'geo.read');
  const state = await geoState(env.db).fresh();
  const prefix = scopePrefix(ctx.actor);
  const depth = LEVELS.indexOf(opts.maxLevel ?? 'community');
  const build = (u: AdminUnitRecord): AdminUnitNode => ({
    ...ref(u),
    children: LEVELS.indexOf(u.level) < depth ? (state.children.get(u.id) ?? []).map(build) : [],
  });
  // The roots are the highest units inside the jurisdiction.
  const roots = [...state.units.values()].filter((u) => u.path.startsWith(prefix)
    && (u.parentId === null || !state.units.get(u.parentId)!.path.startsWith(prefix)));
  return roots.filter((u) => LEVELS.indexOf(u.level) <= depth).map(build);
}

/** A unit with its ancestors, if the caller may see it. */
export async function getAdminUnit(env: Env, ctx: RequestContext, id: number) {
  requireAccess(ctx.actor, 'geo.read');
  const state = await geoState(env.db).fresh();
  const unit = state.units.get(id);
  if (!unit) throw new NotFoundError('admin unit');
  requireInScope(ctx.actor, unit.path, 'admin unit');
  return { ...ref(unit), chain: state.chain(id).map(ref), children: (state.children.get(id) ?? []).map(ref) };
}

/** Grids under an admin unit (default: the whole jurisdiction), paged. */
export async function listGrids(env: Env, ctx: RequestContext, filter: { adminUnitId?: number; q?: string; page: number; pageSize: number }) {
  requireAccess(ctx.actor, 'geo.read');
  const state = await geoState(env.db).fresh();
  let prefix = scopePrefix(ctx.actor);
  if (filter.adminUnitId !== undefined) {
    const unit = state.units.get(filter.adminUnitId);
    if (!unit) throw new NotFoundError('admin unit', undefined, 'adminUnitId');
    requireInScope(ctx.actor, unit.path, 'admin unit', 'adminUnitId');
    prefix = unit.path;
  }
  const { rows, total } = await repo.listGrids(env.db, {
    pathPrefix: prefix, q: filter.q, limit: filter.pageSize, offset: (filter.page - 1) * filter.pageSize,
  });
  return {
    items: rows.map((g) => ({ id: g.id, code: g.code, name: g.name, community: ref(state.units.get(g.communityId)!), areaM2: Math.round(g.areaM2), households: g.households })),
    total, page: filter.page, pageSize: filter.pageSize,
  };
}

/** One grid as a GeoJSON Feature, with its admin chain, workers, leader and liaisons. */
export async function getGrid(env: Env, ctx: RequestContext, id: number) {
  requireAccess(ctx.actor, 'geo.read');
  const grid = await repo.findGrid(env.db, id);
  if (!grid) throw new NotFoundError('grid');
  requireInScope(ctx.actor, grid.path, 'grid');
  const state = await geoState(env.db).fresh();
  const reader = new PersonalDataReader(env, ctx);
  const present = (m: GridMemberRecord) => ({
    id: m.id, name: m.name, organization: m.organization, userId: m.userId,
    phone: reader.phone(m.phoneEnc, { targetType: 'grid_member', targetId: m.id, scopePath: grid.path }),
  });
  const members = await repo.gridMembers(env.db, id);
  const byRole = (role: GridMemberRecord['role']) => members.filter((m) => m.role === role).map(present);
  const feature = {
    type: 'Feature' as const,
    id: grid.id,
    geometry: grid.boundary as Area,
    properties: {
      id: grid.id, code: grid.code, name: grid.name, areaM2: Math.round(grid.areaM2), households: grid.households,
      adminUnits: state.chain(grid.communityId).map(ref),
      workers: byRole('worker'),
      leader: byRole('leader')[0] ?? null,
      liaisons: {
        policeOfficer: byRole('police_officer')[0] ?? null,
        judge: byRole('judge')[0] ?? null,
        prosecutor: byRole('prosecutor')[0] ?? null,
        lawyer: byRole('lawyer')[0] ?? null,
      },
    },
  };
  await reader.flush();
  return feature;
}

/** The grid at a point and its admin chain, for any module; null outside every grid. */
export async function locatePoint(env: Env, lon: number, lat: number) {
  const state = await geoState(env.db).fresh();
  const id = state.index.locate(lon, lat);
  const grid = id === undefined ? undefined : state.grids.get(Number(id));
  if (!grid) return null;
  const chain = state.chain(grid.communityId);
  return { grid: { id: grid.id, code: grid.code, name: grid.name }, adminUnits: chain.map(ref), path: chain[chain.length - 1].path };
}

/** Which grid a point lies in, for a caller who may see it. */
export async function locate(env: Env, ctx: RequestContext, lon: number, lat: number) {
  requireAccess(ctx.actor, 'geo.read');
  const found = await locatePoint(env, lon, lat);
  if (!found) throw new NotFoundError('grid', `no grid covers the point ${lon}, ${lat}: it lies outside the city's grids`);
  requireInScope(ctx.actor, found.path, 'grid');
  return { grid: found.grid, adminUnits: found.adminUnits };
}

/** The path of a unit, for other modules' scope checks. */
export async function unitPath(env: Env, id: number): Promise<string | null> {
  return (await geoState(env.db).fresh()).units.get(id)?.path ?? null;
}

/** A unit by id, for other modules' responses. */
export async function unitRef(env: Env, id: number): Promise<AdminUnitRef | null> {
  const unit = (await geoState(env.db).fresh()).units.get(id);
  return unit ? ref(unit) : null;
}

/** A unit by code, for other modules' imports and the seeder. */
export async function unitByCode(env: Env, code: string): Promise<(AdminUnitRef & { path: string }) | null> {
  const unit = (await geoState(env.db).fresh()).unitsByCode.get(code);
  return unit ? { ...ref(unit), path: unit.path } : null;
}

/** Ids of every unit under a path prefix ('' for all). */
export async function unitIdsUnder(env: Env, prefix: string): Promise<number[]> {
  return (await geoState(env.db).fresh()).unitIdsUnder(prefix);
}

/** A township has a dozen or two units under it, a district hundreds: past this, one ordered walk beats a merge. */
export const FEW_UNITS = 32;

/**
 * The paths of every unit under a prefix, when there are few of them (a township, a community);
 * undefined for a district or the city. Other modules read a small area's rows unit by unit, each
 * path in its own index order, where one walk of the city's newest rows would pass over nearly all.
 */
export async function fewUnitPaths(env: Env, prefix: string): Promise<string[] | undefined> {
  if (prefix === '') return undefined;
  const state = await geoState(env.db).fresh();
  const ids = state.unitIdsUnder(prefix);
  if (ids.length === 0 || ids.length > FEW_UNITS) return undefined;
  return ids.map((id) => state.units.get(id)?.path).filter((p): p is string => p !== undefined);
}

/** A unit and its ancestors, root first, for other modules. */
export async function getAdminUnitChain(env: Env, id: number): Promise<AdminUnitRef[]> {
  return (await geoState(env.db).fresh()).chain(id).map(ref);
}

/** Writes the admin units in the caller's jurisdiction as CSV in the import format (code,name,level,parent_code). */
export async function exportAdminUnitsCsv(env: Env, ctx: RequestContext, write: (chunk: string) => void): Promise<number> {
  requireAccess(ctx.actor, 'geo.read');
  const state = await geoState(env.db).fresh();
  const prefix = scopePrefix(ctx.actor);
  write('code,name,level,parent_code\n');
  let n = 0;
  for (const u of [...state.units.values()].sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || a.code.localeCompare(b.code))) {
    if (!u.path.startsWith(prefix)) continue;
    const parent = u.parentId === null ? '' : state.units.get(u.parentId)!.code;
    write(`${csvCell(u.code)},${csvCell(u.name)},${u.level},${csvCell(parent)}\n`);
    n += 1;
  }
  return n;
}

/** Writes the grids in the caller's jurisdiction as a GeoJSON FeatureCollection in the import format. */
export async function exportGridsGeoJson(env: Env, ctx: RequestContext, write: (chunk: string) => void): Promise<number> {
  requireAccess(ctx.actor, 'geo.read');
  const state = await geoState(env.db).fresh();
  const prefix = scopePrefix(ctx.actor);
  write('{"type":"FeatureCollection","features":[\n');
  let n = 0;
  for await (const page of repo.allGridBoundaries(env.db)) {
    for (const g of page) {
      const community = state.units.get(g.communityId)!;
      if (!community.path.startsWith(prefix)) continue;
      const feature = { type: 'Feature', properties: { code: g.code, name: g.name, community_code: community.code }, geometry: g.boundary };
      write((n ? ',\n' : '') + JSON.stringify(feature));
      n += 1;
    }
  }
  write('\n]}\n');
  return n;
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Whether a user works a grid as one of its grid workers, for other modules' access rules. */
export async function worksGrid(env: Env, userId: number, gridId: number): Promise<boolean> {
  const row = await env.db.selectFrom('grid_members').select('id')
    .where('grid_id', '=', gridId).where('user_id', '=', userId).where('role', '=', 'worker')
    .executeTakeFirst();
  return !!row;
}
