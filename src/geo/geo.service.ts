import crypto from 'node:crypto';
import { requireAccess, requireInScope, scopePrefix, type RequestContext } from '../core/access.js';
import { recordAudit, type AuditEntry } from '../core/audit.js';
import type { Env } from '../core/env.js';
import { ImportRejectedError, NotFoundError, ValidationError, type ImportProblem } from '../core/errors.js';
import { PersonalDataReader } from '../core/personal-data.js';
import { areaM2, bbox, type Area, type BBox } from './geometry.js';
import { geoState, type GeoState } from './geo.state.js';
import * as repo from './geo.repo.js';
import type { AdminLevel, AdminUnitRecord, GridMemberRecord } from './geo.repo.js';
import { text, type ImportRow } from './geo.import.js';
import { checkGridSet, geometryProblems, type ProposedGrid } from './grid-rules.js';

export const LEVELS: AdminLevel[] = ['city', 'district', 'township', 'community'];
const CODE = /^[0-9A-Za-z_-]{1,32}$/;

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
    if (!unit) throw new NotFoundError('admin unit');
    requireInScope(ctx.actor, unit.path, 'admin unit');
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

export type ImportKind = 'admin-units' | 'grids' | 'grid-members';

export interface ImportResult {
  kind: ImportKind;
  rows: number;
  created: number;
  updated: number;
  removed: number;
}

/** Checks and applies one import file's rows as a whole: any problem rejects every row. */
export async function importGeography(env: Env, ctx: RequestContext, kind: ImportKind, rows: ImportRow[]): Promise<ImportResult> {
  requireAccess(ctx.actor, 'geo.import');
  if (rows.length === 0) throw new ValidationError('file', 'the file has no rows');
  const state = await geoState(env.db).fresh();
  const result = kind === 'admin-units' ? await importAdminUnits(env, ctx, rows)
    : kind === 'grids' ? await importGrids(env, ctx, rows, state)
    : await importGridMembers(env, ctx, rows);
  state.invalidate();
  return result;
}

function reject(what: string, problems: ImportProblem[]): never {
  const shown = problems.slice(0, 1000);
  throw new ImportRejectedError(`${problems.length} ${what} rejected; nothing was imported`, shown);
}

function checkName(name: string | undefined, max: number, problems: string[], field = 'name'): void {
  if (!name) problems.push(`${field} is missing`);
  else if (name.length > max) problems.push(`${field} is longer than ${max} characters`);
}

async function importAdminUnits(env: Env, ctx: RequestContext, rows: ImportRow[]): Promise<ImportResult> {
  const state = await geoState(env.db).fresh();
  const prefix = scopePrefix(ctx.actor!);
  const problems: ImportProblem[] = [];
  // Parents first, so a file may add a township and its communities together.
  const parsed = rows.map((row) => {
    const p: string[] = [];
    const code = text(row.props, 'code');
    const name = text(row.props, 'name');
    const level = text(row.props, 'level') as AdminLevel | undefined;
    const parentCode = text(row.props, 'parent_code');
    if (!code || !CODE.test(code)) p.push('code must be 1–32 letters or digits');
    checkName(name, 100, p);
    if (!level || !LEVELS.includes(level)) p.push(`level must be one of ${LEVELS.join(', ')}`);
    if (level && level !== 'city' && !parentCode) p.push('parent_code is missing');
    const boundary = row.geometry === undefined || row.geometry === null ? null : row.geometry;
    if (boundary) p.push(...geometryProblems(boundary));
    return { row, code: code!, name: name!, level: level!, parentCode, boundary: boundary as Area | null, problems: p };
  }).sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
  const seen = new Map<string, AdminLevel>();
  for (const u of parsed) {
    if (seen.has(u.code)) u.problems.push(`code ${u.code} appears more than once`);
    if (u.parentCode) {
      // A parent outside the jurisdiction answers as if it did not exist.
      const stored = state.unitsByCode.get(u.parentCode);
      const parentLevel = seen.get(u.parentCode) ?? (stored?.path.startsWith(prefix) ? stored.level : undefined);
      if (!parentLevel) u.problems.push(`parent_code ${u.parentCode} is not a known admin unit`);
      else if (LEVELS.indexOf(parentLevel) !== LEVELS.indexOf(u.level) - 1) u.problems.push(`a ${u.level} cannot sit under a ${parentLevel}`);
    } else if (u.level === 'city' && prefix !== '') {
      u.problems.push('only an instance-wide administrator may add a city');
    }
    const existing = state.unitsByCode.get(u.code);
    const existingParent = existing?.parentId == null ? undefined : state.units.get(existing.parentId)?.code;
    // Paths of a moved unit's descendants would go stale: moving is a separate, deliberate operation.
    // Compared by code, so a move under a parent the same file adds is caught too.
    if (existing && (existing.level !== u.level || (u.parentCode !== undefined && existingParent !== u.parentCode))) {
      u.problems.push(`code ${u.code} already exists at another place or level; moving units is not supported by import`);
    }
    seen.set(u.code, u.level);
    if (u.problems.length) problems.push({ index: u.row.index, code: u.code, problems: u.problems });
  }
  if (problems.length) reject('admin units', problems.sort((a, b) => a.index - b.index));

  let created = 0;
  await env.db.transaction().execute(async (trx) => {
    const written = new Map<string, { id: number; path: string }>();
    const audit: AuditEntry[] = [];
    for (const u of parsed) {
      const parent = u.parentCode ? written.get(u.parentCode) ?? state.unitsByCode.get(u.parentCode)! : null;
      const before = state.unitsByCode.get(u.code);
      const unit = await repo.upsertAdminUnit(trx, { code: u.code, name: u.name, level: u.level, parentId: parent?.id ?? null, boundary: u.boundary }, parent?.path ?? '/');
      written.set(u.code, unit);
      if (!before) created += 1;
      audit.push({
        action: before ? 'admin_unit.update' : 'admin_unit.create', targetType: 'admin_unit', targetId: unit.id, scopePath: unit.path,
        before: before ? { code: before.code, name: before.name, level: before.level, parentId: before.parentId } : undefined,
        after: { code: unit.code, name: unit.name, level: unit.level, parentId: unit.parentId, boundary: u.boundary ? fingerprint(u.boundary) : undefined },
      });
    }
    await recordAudit(trx, ctx, audit);
  });
  return { kind: 'admin-units', rows: rows.length, created, updated: rows.length - created, removed: 0 };
}

/** A short stand-in for a boundary in the audit trail: enough to tell whether it changed. */
function fingerprint(area: Area): string {
  return 'sha256:' + crypto.createHash('sha256').update(JSON.stringify(area)).digest('hex');
}

async function importGrids(env: Env, ctx: RequestContext, rows: ImportRow[], state: GeoState): Promise<ImportResult> {
  const prefix = scopePrefix(ctx.actor!);
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  const proposed: (ProposedGrid & { name: string; households: number | null; communityId: number; path: string })[] = [];
  for (const row of rows) {
    const p: string[] = [];
    const code = text(row.props, 'code');
    const name = text(row.props, 'name');
    const communityCode = text(row.props, 'community_code');
    const householdsText = text(row.props, 'households');
    if (!code || !CODE.test(code)) p.push('code must be 1–32 letters or digits');
    else if (seen.has(code)) p.push(`code ${code} appears more than once`);
    if (code) seen.add(code);
    checkName(name, 100, p);
    // A unit outside the jurisdiction answers as if it did not exist.
    const found = communityCode ? state.unitsByCode.get(communityCode) : undefined;
    const community = found?.path.startsWith(prefix) ? found : undefined;
    if (!communityCode) p.push('community_code is missing');
    else if (!community) p.push(`community_code ${communityCode} is not a known admin unit`);
    else if (community.level !== 'community') p.push(`community_code ${communityCode} is a ${community.level}, not a community`);
    const households = householdsText === undefined ? null : Number(householdsText);
    if (households !== null && (!Number.isInteger(households) || households < 0 || households > 1_000_000)) p.push('households must be a whole number from 0 to 1,000,000');
    p.push(...geometryProblems(row.geometry));
    if (p.length) problems.push({ index: row.index, code, problems: p });
    else proposed.push({ index: row.index, code: code!, name: name!, communityCode: communityCode!, geometry: row.geometry as Area, households, communityId: community!.id, path: community!.path });
  }
  // Upserting by code would otherwise pull a grid out of a community the file does not
  // replace, leaving a hole there.
  const replaced = new Set(proposed.map((g) => g.path));
  for (const [code, grid] of await repo.findGridIdsByCode(env.db, proposed.map((g) => g.code))) {
    if (replaced.has(grid.path)) continue;
    const owner = state.units.get(Number(grid.path.split('/').at(-2))); // a grid's path is its community's
    const g = proposed.find((x) => x.code === code)!;
    problems.push({ index: g.index, code, problems: [owner && owner.path.startsWith(prefix)
      ? `code ${code} is already used by a grid of community ${owner.code}`
      : `code ${code} is already used by another grid`] });
  }
  if (problems.length) reject('grids', problems.sort((a, b) => a.index - b.index));

  const communityIds = [...new Set(proposed.map((g) => g.communityId))];
  const boundaries = await repo.adminUnitBoundaries(env.db, communityIds);
  const communityBoundaries = new Map(proposed.map((g) => [g.communityCode, boundaries.get(g.communityId) ?? null]));
  const boxes = proposed.map((g) => bbox(g.geometry));
  // A loop, not Math.min(...spread): a city-sized file would overflow the call stack.
  const extent: BBox = boxes.reduce<BBox>((e, b) => [Math.min(e[0], b[0]), Math.min(e[1], b[1]), Math.max(e[2], b[2]), Math.max(e[3], b[3])], [Infinity, Infinity, -Infinity, -Infinity]);
  const neighbours = (await repo.gridsMeetingBbox(env.db, extent, communityIds)).map((n) => ({ code: n.code, geometry: n.boundary as Area }));
  const ruleProblems = checkGridSet(proposed, communityBoundaries, neighbours);
  if (ruleProblems.size) {
    reject('grids', [...ruleProblems].map(([index, p]) => ({ index, code: proposed.find((g) => g.index === index)?.code, problems: p })).sort((a, b) => a.index - b.index));
  }

  let created = 0;
  let removed = 0;
  await env.db.transaction().execute(async (trx) => {
    const codes = proposed.map((g) => g.code);
    const existing = await repo.findGridIdsByCode(trx, codes);
    const retired = await repo.gridsToRetire(trx, communityIds, codes);
    await repo.deleteGrids(trx, retired.map((g) => g.id));
    removed = retired.length;
    const writes = proposed.map((g, i) => ({
      code: g.code, name: g.name, communityId: g.communityId, path: g.path, boundary: g.geometry,
      bbox: boxes[i], areaM2: areaM2(g.geometry), households: g.households,
    }));
    const ids = await repo.upsertGrids(trx, writes);
    created = proposed.filter((g) => !existing.has(g.code)).length;
    await recordAudit(trx, ctx, [
      ...retired.map((g) => ({ action: 'grid.delete', targetType: 'grid', targetId: g.id, scopePath: g.path, before: { code: g.code, name: g.name, communityId: g.communityId } })),
      ...writes.map((w, i) => ({
        action: existing.has(w.code) ? 'grid.update' : 'grid.create', targetType: 'grid', targetId: ids[i], scopePath: w.path,
        after: { code: w.code, name: w.name, communityId: w.communityId, households: w.households, areaM2: Math.round(w.areaM2), boundary: fingerprint(w.boundary) },
      })),
    ]);
  });
  return { kind: 'grids', rows: rows.length, created, updated: proposed.length - created, removed };
}

/** Roles as sheets name them, in English or Chinese. */
const MEMBER_ROLES: Record<string, GridMemberRecord['role']> = {
  worker: 'worker', grid_worker: 'worker', 网格员: 'worker',
  leader: 'leader', grid_leader: 'leader', 网格长: 'leader',
  police_officer: 'police_officer', police: 'police_officer', 民警: 'police_officer', 警官: 'police_officer',
  judge: 'judge', 法官: 'judge',
  prosecutor: 'prosecutor', 检察官: 'prosecutor',
  lawyer: 'lawyer', 律师: 'lawyer',
};
const PHONE = /^\+?[0-9][0-9 -]{4,19}$/;
/** Roles a grid has one of: a grid shows one leader and one of each liaison. */
const SINGLE_ROLES = new Set<GridMemberRecord['role']>(['leader', 'police_officer', 'judge', 'prosecutor', 'lawyer']);

async function importGridMembers(env: Env, ctx: RequestContext, rows: ImportRow[]): Promise<ImportResult> {
  const prefix = scopePrefix(ctx.actor!);
  const gridCodes = [...new Set(rows.map((r) => text(r.props, 'grid_code')).filter((c): c is string => !!c))];
  const grids = await repo.findGridIdsByCode(env.db, gridCodes);
  const problems: ImportProblem[] = [];
  const members: repo.GridMemberWrite[] = [];
  const memberPaths: string[] = [];
  const single = new Map<string, number>();
  for (const row of rows) {
    const p: string[] = [];
    const gridCode = text(row.props, 'grid_code');
    const roleText = text(row.props, 'role');
    const name = text(row.props, 'name');
    const phone = text(row.props, 'phone');
    const organization = text(row.props, 'organization');
    const grid = gridCode ? grids.get(gridCode) : undefined;
    if (!gridCode) p.push('grid_code is missing');
    else if (!grid || !grid.path.startsWith(prefix)) p.push(`grid_code ${gridCode} is not a known grid`);
    const roleKey = roleText?.toLowerCase();
    const role = roleKey && Object.hasOwn(MEMBER_ROLES, roleKey) ? MEMBER_ROLES[roleKey] : undefined;
    if (!role) p.push(`role must be one of worker, leader, police_officer, judge, prosecutor, lawyer`);
    checkName(name, 50, p);
    if (phone && !PHONE.test(phone)) p.push('phone must be 5–20 digits');
    if (organization && organization.length > 100) p.push('organization is longer than 100 characters');
    if (p.length === 0 && SINGLE_ROLES.has(role!)) {
      const first = single.get(`${gridCode}/${role}`);
      if (first !== undefined) p.push(`grid ${gridCode} has one ${role!.replace('_', ' ')}; row ${first} already names one`);
      else single.set(`${gridCode}/${role}`, row.index);
    }
    if (p.length) problems.push({ index: row.index, code: gridCode, problems: p });
    else {
      members.push({ gridId: grid!.id, role: role!, name: name!, organization: organization ?? null, phoneEnc: env.cipher.encryptOptional(phone), userId: null });
      memberPaths.push(grid!.path);
    }
  }
  if (problems.length) reject('grid members', problems);
  const gridIds = [...new Set(members.map((m) => m.gridId))];
  await env.db.transaction().execute(async (trx) => {
    await repo.deleteGridMembers(trx, gridIds);
    await repo.insertGridMembers(trx, members);
    await recordAudit(trx, ctx, members.map((m, i) => ({
      action: 'grid_member.set', targetType: 'grid', targetId: m.gridId, scopePath: memberPaths[i],
      after: { role: m.role, name: m.name, organization: m.organization, phone: m.phoneEnc ? 'encrypted' : null },
    })));
  });
  return { kind: 'grid-members', rows: rows.length, created: members.length, updated: 0, removed: 0 };
}

/** A unit and its ancestors, root first, for other modules. */
export async function getAdminUnitChain(env: Env, id: number): Promise<AdminUnitRef[]> {
  return (await geoState(env.db).fresh()).chain(id).map(ref);
}

/** A unit the system itself creates (the demo seeder): parents listed before children. */
export interface SystemUnit {
  code: string;
  name: string;
  level: AdminLevel;
  parentCode: string | null;
  boundary: Area | null;
}

export interface SystemGrid {
  code: string;
  name: string;
  communityCode: string;
  geometry: Area;
  households: number | null;
}

/**
 * Writes generated geography in bulk, trusting the generator (its tiling is tested on
 * its own) instead of re-checking every polygon; one audit row records the batch.
 * Returns the new ids by code.
 */
export async function createSystemGeography(env: Env, units: SystemUnit[], grids: SystemGrid[]) {
  const state = await geoState(env.db).fresh();
  const unitIds = new Map<string, { id: number; path: string }>();
  const gridIds = new Map<string, number>();
  await env.db.transaction().execute(async (trx) => {
    for (const level of LEVELS) {
      const batch = units.filter((u) => u.level === level);
      if (batch.length === 0) continue;
      const parents = batch.map((u) => (u.parentCode ? unitIds.get(u.parentCode) ?? state.unitsByCode.get(u.parentCode) : null));
      const written = await repo.insertAdminUnits(
        trx,
        batch.map((u, i) => ({ code: u.code, name: u.name, level: u.level, parentId: parents[i]?.id ?? null, boundary: u.boundary })),
        parents.map((p) => p?.path ?? '/'),
      );
      for (const w of written) unitIds.set(w.code, { id: w.id, path: w.path });
    }
    const writes = grids.map((g) => {
      const community = unitIds.get(g.communityCode) ?? state.unitsByCode.get(g.communityCode);
      if (!community) throw new Error(`grid ${g.code}: unknown community ${g.communityCode}`);
      return { code: g.code, name: g.name, communityId: community.id, path: community.path, boundary: g.geometry, bbox: bbox(g.geometry), areaM2: areaM2(g.geometry), households: g.households };
    });
    const ids = await repo.upsertGrids(trx, writes);
    writes.forEach((w, i) => gridIds.set(w.code, ids[i]));
    await recordAudit(trx, { actor: null }, { action: 'geography.generate', targetType: 'geography', after: { units: units.length, grids: grids.length } });
  });
  state.invalidate();
  return { unitIds, gridIds };
}

/** Grid members the system itself sets (the demo seeder); one audit row records the batch. */
export async function createSystemGridMembers(env: Env, members: (Omit<repo.GridMemberWrite, 'phoneEnc'> & { phone: string | null })[]): Promise<void> {
  await env.db.transaction().execute(async (trx) => {
    await repo.insertGridMembers(trx, members.map((m) => ({ ...m, phoneEnc: env.cipher.encryptOptional(m.phone) })));
    await recordAudit(trx, { actor: null }, { action: 'grid_member.generate', targetType: 'geography', after: { members: members.length } });
  });
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
