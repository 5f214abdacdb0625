import { requireAccess, requireInScope, type RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import type { Env } from '../core/env.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { TeamMember } from './geo.contract.js';
import * as repo from './geo.repo.js';
import type { GridMemberRecord } from './geo.repo.js';
import { getGrid } from './geo.service.js';

export type { TeamMember };

/** Roles a grid has one of: a grid shows one leader and one of each liaison (三官一律). */
export const SINGLE_ROLES = new Set<GridMemberRecord['role']>(['leader', 'police_officer', 'judge', 'prosecutor', 'lawyer']);

/** What the team needs to know of a staff account, as the accounts module tells it. */
export interface TeamAccount {
  id: number;
  role: string;
  active: boolean;
  displayName: string;
  /** The path of the account's jurisdiction ('' for the whole instance). */
  path: string;
}

/**
 * Why an account cannot take a place on a grid's team, or null when it can: it must be active and
 * within the caller's reach (else the accounts module left it out), a worker's must be a grid
 * worker's, and its jurisdiction must hold the grid.
 */
export function accountProblem(account: TeamAccount | undefined, role: TeamMember['role'], gridPath: string, who: string): string | null {
  if (!account?.active) return `${who} is not an active account in your jurisdiction`;
  if (role === 'worker' && account.role !== 'grid_worker') return `a grid worker's account needs the grid_worker role; ${who} has ${account.role}`;
  if (!gridPath.startsWith(account.path)) return `the jurisdiction of ${who} does not hold this grid`;
  return null;
}

/**
 * Sets a grid's whole team at once: its workers, leader and liaisons. A worker named by her
 * account is the one who verifies the grid's cases on site (geo.worksGrid), so an account must
 * be an active grid worker whose jurisdiction holds the grid; liaisons, often from other
 * bodies, may be named without one.
 */
export async function setGridTeam(env: Env, ctx: RequestContext, gridId: number, members: TeamMember[], accounts: ReadonlyMap<number, TeamAccount>) {
  requireAccess(ctx.actor, 'geo.team');
  const grid = await repo.findGrid(env.db, gridId);
  if (!grid) throw new NotFoundError('grid');
  requireInScope(ctx.actor, grid.path, 'grid');
  const single = new Set<string>();
  const linked = new Set<string>();
  const writes = members.map((m, i): repo.GridMemberWrite => {
    const field = `members.${i}`;
    if (SINGLE_ROLES.has(m.role)) {
      if (single.has(m.role)) throw new ValidationError(`${field}.role`, `a grid has one ${m.role.replace('_', ' ')}; members name two`);
      single.add(m.role);
    }
    let name = m.name?.trim();
    if (m.userId !== undefined) {
      const account = accounts.get(m.userId);
      const problem = accountProblem(account, m.role, grid.path, `user ${m.userId}`)
        ?? (linked.has(`${m.role}/${m.userId}`) ? `user ${m.userId} is named twice as ${m.role}` : null);
      if (problem) throw new ValidationError(`${field}.userId`, problem);
      linked.add(`${m.role}/${m.userId}`);
      name ||= account!.displayName;
    }
    if (!name) throw new ValidationError(`${field}.name`, 'give the name, or the userId of the account');
    return { gridId, role: m.role, name, organization: m.organization?.trim() || null, phoneEnc: env.cipher.encryptOptional(m.phone || null), userId: m.userId ?? null };
  });
  const before = await repo.gridMembers(env.db, gridId);
  await env.db.transaction().execute(async (trx) => {
    await repo.deleteGridMembers(trx, [gridId]);
    await repo.insertGridMembers(trx, writes);
    await recordAudit(trx, ctx, {
      action: 'grid_member.set', targetType: 'grid', targetId: gridId, scopePath: grid.path,
      before: { members: before.map(teamSummary) }, after: { members: writes.map(teamSummary) },
    });
  });
  return getGrid(env, ctx, gridId);
}

/** A member as the audit trail keeps them: phones are personal data and only said to be there. */
export function teamSummary(m: Pick<GridMemberRecord, 'role' | 'name' | 'organization' | 'userId' | 'phoneEnc'>) {
  return { role: m.role, name: m.name, organization: m.organization, userId: m.userId, phone: m.phoneEnc ? 'set' : null };
}
