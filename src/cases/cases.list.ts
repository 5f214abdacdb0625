import { scopePrefix, type Actor } from '../core/access.js';
import type { Env } from '../core/env.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import * as geo from '../geo/geo.service.js';
import type { CaseQuery } from './cases.contract.js';
import type { CaseFilter } from './cases.list.repo.js';

export type { CaseQuery };

/**
 * How far the list counts: past it, the total reads "1,000 or more". Counting every match of a broad
 * filter over millions of cases would cost seconds; a count that stops early costs about what a
 * page does.
 */
export const COUNT_CAP = 1_000;

/**
 * A search that is a phone number (7 to 12 digits, with +, spaces or dashes; ticket numbers have
 * 13 or more) finds the cases its caller reported: a repeat caller on the line.
 */
const PHONE_QUERY = /^\+?[\d\s-]{7,16}$/;

/** How deep the list pages: a page starts within the first 10,000 cases. The export reads them all. */
export const LIST_WINDOW = 10_000;

/** The caller's query as the repository's filter, inside their jurisdiction; an admin unit outside it answers 404. */
export async function caseFilterOf(env: Env, actor: Actor, q: CaseQuery, now = new Date()): Promise<CaseFilter> {
  const pathPrefix = scopePrefix(actor);
  let adminUnitPath: string | undefined;
  if (q.adminUnitId !== undefined) {
    adminUnitPath = (await geo.unitPath(env, q.adminUnitId)) ?? undefined;
    if (!adminUnitPath || !adminUnitPath.startsWith(pathPrefix)) throw new NotFoundError('admin unit', undefined, 'adminUnitId');
  }
  return {
    pathPrefix, adminUnitPath, unitPaths: await geo.fewUnitPaths(env, adminUnitPath ?? pathPrefix), status: q.status, categoryCode: q.categoryCode, channel: q.channel, departmentId: q.departmentId, gridId: q.gridId,
    overdue: q.overdue, text: q.q, phoneIndex: PHONE_QUERY.test(q.q ?? '') ? env.cipher.phoneIndex(q.q) : null, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined,
    closedFrom: q.closedFrom ? new Date(q.closedFrom) : undefined, closedTo: q.closedTo ? new Date(q.closedTo) : undefined,
    due: duePeriod(q), now,
  };
}

/** `dueFrom` and `dueTo` name one period: either alone would be a different rule. */
function duePeriod(q: CaseQuery): CaseFilter['due'] {
  if (q.dueFrom === undefined && q.dueTo === undefined) return undefined;
  if (q.dueFrom === undefined) throw new ValidationError('dueFrom', 'dueFrom is required with dueTo: together they name the period the cases are due in');
  if (q.dueTo === undefined) throw new ValidationError('dueTo', 'dueTo is required with dueFrom: together they name the period the cases are due in');
  return { from: new Date(q.dueFrom), to: new Date(q.dueTo) };
}

