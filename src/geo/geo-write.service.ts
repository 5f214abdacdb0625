import crypto from 'node:crypto';
import { requireAccess, scopePrefix, type RequestContext } from '../core/access.js';
import { recordAudit, type AuditEntry } from '../core/audit.js';
import type { Env } from '../core/env.js';
import { ConflictError, rejectImport, ValidationError, type ImportProblem } from '../core/errors.js';
import { areaM2, bbox, type Area, type BBox } from './geometry.js';
import { geoState, type GeoState } from './geo.state.js';
import * as repo from './geo.repo.js';
import type { AdminLevel, GridMemberRecord } from './geo.repo.js';
import { text } from '../core/sheets.js';
import type { ImportRow } from './geo.import.js';
import { geometryProblems, gridSetProblems } from './geometry.checks.js';
import type { ProposedGrid } from './grid-rules.js';
import { accountProblem, SINGLE_ROLES, teamSummary, type TeamAccount } from './grid-team.js';
import { LEVELS } from './geo.service.js';

/** Writes to the geography: imports checked as a whole, and the generator's bulk writes. */

const CODE = /^[0-9A-Za-z_-]{1,32}$/;

import type { ImportKind, ImportResult } from './geo.contract.js';
import { PHONE } from '../core/phone.js';

export type { ImportKind, ImportResult };

export interface ImportOptions {
  /** Told how far the geometric checks of a grid import have got, for a progress bar. */
  onProgress?: (checked: number, total: number) => void;
  /** The accounts that grid-member rows name by `username` (see memberUsernames), as the accounts module tells them. */
  accounts?: ReadonlyMap<string, TeamAccount>;
}

/** The usernames grid-member rows link to, for the caller to look up before the import. */
export function memberUsernames(rows: ImportRow[]): string[] {
  return [...new Set(rows.map((r) => text(r.props, 'username')).filter((u): u is string => !!u))];
}

/** Checks and applies one import file's rows as a whole: any problem rejects every row. */
export async function importGeography(env: Env, ctx: RequestContext, kind: ImportKind, rows: ImportRow[], options: ImportOptions = {}): Promise<ImportResult> {
  requireAccess(ctx.actor, 'geo.import');
  if (rows.length === 0) throw new ValidationError('file', 'the file has no rows');
  const state = await geoState(env.db).fresh();
  const result = kind === 'admin-units' ? await importAdminUnits(env, ctx, rows)
    : kind === 'grids' ? await importGrids(env, ctx, rows, state, options.onProgress)
    : await importGridMembers(env, ctx, rows, options.accounts ?? new Map());
  state.invalidate();
  return result;
}

function checkName(name: string | undefined, max: number, problems: string[], field = 'name'): void {
  if (!name) problems.push(`${field} is missing`);
  else if (name.length > max) problems.push(`${field} is longer than ${max} characters`);
}

async function importAdminUnits(env: Env, ctx: RequestContext, rows: ImportRow[]): Promise<ImportResult> {
  const state = await geoState(env.db).fresh();
  const prefix = scopePrefix(ctx.actor!);
  const problems: ImportProblem[] = [];
  const checked = await geometryProblems(rows.map((row) => row.geometry));
  // Parents first, so a file may add a township and its communities together.
  const parsed = rows.map((row, i) => {
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
    if (boundary) p.push(...checked[i]);
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
  if (problems.length) rejectImport('admin units', problems.sort((a, b) => a.index - b.index));

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

async function importGrids(env: Env, ctx: RequestContext, rows: ImportRow[], state: GeoState, onProgress?: (checked: number, total: number) => void): Promise<ImportResult> {
  const prefix = scopePrefix(ctx.actor!);
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  const proposed: (ProposedGrid & { name: string; households: number | null; communityId: number; path: string })[] = [];
  const checked = await geometryProblems(rows.map((row) => row.geometry));
  for (const [i, row] of rows.entries()) {
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
    p.push(...checked[i]);
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
  if (problems.length) rejectImport('grids', problems.sort((a, b) => a.index - b.index));

  const communityIds = [...new Set(proposed.map((g) => g.communityId))];
  const boundaries = await repo.adminUnitBoundaries(env.db, communityIds);
  const communityBoundaries = new Map(proposed.map((g) => [g.communityCode, boundaries.get(g.communityId) ?? null]));
  const boxes = proposed.map((g) => bbox(g.geometry));
  // A loop, not Math.min(...spread): a city-sized file would overflow the call stack.
  const extent: BBox = boxes.reduce<BBox>((e, b) => [Math.min(e[0], b[0]), Math.min(e[1], b[1]), Math.max(e[2], b[2]), Math.max(e[3], b[3])], [Infinity, Infinity, -Infinity, -Infinity]);
  // A neighbour outside the jurisdiction is not named: a refusal must not map another district's grids.
  const neighbours = (await repo.gridsMeetingBbox(env.db, extent, communityIds))
    .map((n) => ({ code: n.path.startsWith(prefix) ? n.code : 'outside your jurisdiction', geometry: n.boundary as Area }));
  const ruleProblems = await gridSetProblems(
    proposed.map(({ index, code, communityCode, geometry }) => ({ index, code, communityCode, geometry })), communityBoundaries, neighbours, onProgress,
  );
  if (ruleProblems.size) {
    rejectImport('grids', [...ruleProblems].map(([index, p]) => ({ index, code: proposed.find((g) => g.index === index)?.code, problems: p })).sort((a, b) => a.index - b.index));
  }

  let created = 0;
  let removed = 0;
  await env.db.transaction().execute(async (trx) => {
    const codes = proposed.map((g) => g.code);
    const existing = await repo.findGridIdsByCode(trx, codes);
    const retired = await repo.gridsToRetire(trx, communityIds, codes);
    await repo.deleteGrids(trx, retired.map((g) => g.id)).catch((err: unknown) => {
      throw stillReferenced(err, retired) ?? err;
    });
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

/**
 * A grid the file leaves out but records elsewhere (cases, say) still name: refused, since removing
 * it would cut their history loose. The database names the first such grid.
 */
function stillReferenced(err: unknown, retired: { id: number; code: string }[]): ConflictError | null {
  const e = err as { code?: unknown; detail?: unknown };
  if (e.code !== '23503') return null;
  const id = Number(/\(id\)=\((\d+)\)/.exec(String(e.detail ?? ''))?.[1]);
  const grid = retired.find((g) => Number(g.id) === id);
  const named = grid ? `grid ${grid.code}` : 'a grid the file leaves out';
  return new ConflictError(
    `${named} has cases and cannot be removed; nothing was imported: keep its code in the file (its boundary may change) to redraw it`,
    'file',
  );
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

async function importGridMembers(env: Env, ctx: RequestContext, rows: ImportRow[], accounts: ReadonlyMap<string, TeamAccount>): Promise<ImportResult> {
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
    const username = text(row.props, 'username');
    let name = text(row.props, 'name');
    const phone = text(row.props, 'phone');
    const organization = text(row.props, 'organization');
    const grid = gridCode ? grids.get(gridCode) : undefined;
    if (!gridCode) p.push('grid_code is missing');
    else if (!grid || !grid.path.startsWith(prefix)) p.push(`grid_code ${gridCode} is not a known grid`);
    const roleKey = roleText?.toLowerCase();
    const role = roleKey && Object.hasOwn(MEMBER_ROLES, roleKey) ? MEMBER_ROLES[roleKey] : undefined;
    if (!role) p.push(`role must be one of worker, leader, police_officer, judge, prosecutor, lawyer`);
    // A worker named by her account is the one who verifies the grid's cases on site.
    const account = username ? accounts.get(username) : undefined;
    if (username && role && grid) {
      const problem = accountProblem(account, role, grid.path, `username ${username}`);
      if (problem) p.push(problem);
      else name ||= account!.displayName;
    }
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
      members.push({ gridId: grid!.id, role: role!, name: name!, organization: organization ?? null, phoneEnc: env.cipher.encryptOptional(phone), userId: account?.id ?? null });
      memberPaths.push(grid!.path);
    }
  }
  if (problems.length) rejectImport('grid members', problems);
  const pathOf = new Map(members.map((m, i) => [m.gridId, memberPaths[i]]));
  const gridIds = [...pathOf.keys()];
  await env.db.transaction().execute(async (trx) => {
    const removed = await repo.deleteGridMembers(trx, gridIds);
    await repo.insertGridMembers(trx, members);
    // One row per grid, who was on its team and who is now, as PUT /grids/{id}/members writes it.
    const team = (list: Omit<GridMemberRecord, 'id'>[], gridId: number) => list.filter((m) => Number(m.gridId) === Number(gridId)).map(teamSummary);
    await recordAudit(trx, ctx, gridIds.map((gridId) => ({
      action: 'grid_member.set', targetType: 'grid', targetId: gridId, scopePath: pathOf.get(gridId)!,
      before: { members: team(removed, gridId) }, after: { members: team(members, gridId) },
    })));
  });
  return { kind: 'grid-members', rows: rows.length, created: members.length, updated: 0, removed: 0 };
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
