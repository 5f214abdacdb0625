import { requireAccess, type RequestContext, type Role } from '../core/access.js';
import type { Env } from '../core/env.js';
import { AppError, ForbiddenError, ValidationError } from '../core/errors.js';
import { applyAction, type ActionInput } from './cases.service.js';
import { TRANSITIONS, type Action, type Transition } from './cases.workflow.js';

/**
 * Bulk actions (批量派遣, 批量结案…) for staff throughput: one action with one set of parameters
 * on many cases, each taken exactly as `POST /cases/{id}/actions` takes it (its own checks, its
 * own transaction, audit row, timeline event and notices), so one refusal undoes nothing else.
 */

/** Actions that are the same decision across many cases; merging, extending or handling want one case at a time. */
export const BULK_ACTIONS = ['register', 'dispatch', 'joint_dispatch', 'reject', 'close', 'callback', 'supervise'] as const satisfies readonly Action[];
type BulkAction = (typeof BULK_ACTIONS)[number];
export const BULK_MAX_ITEMS = 500;

type BulkParameters = Omit<ActionInput, 'action' | 'version'>;

/** What an action needs whatever the case, so a request lacking it is refused whole, not 500 times. */
const REQUIRED: Partial<Record<BulkAction, keyof BulkParameters>> = { callback: 'satisfaction', joint_dispatch: 'supportDepartmentIds' };

export interface BulkInput extends BulkParameters {
  action: string;
  /** Each case with the version the decision was made on. */
  items: { id: number; version: number }[];
}

export type BulkResult =
  | { id: number; ok: true; status: string; version: number }
  | { id: number; ok: false; error: { code: string; message: string; field?: string; details?: unknown } };

function isBulkAction(action: string): action is BulkAction {
  return (BULK_ACTIONS as readonly string[]).includes(action);
}

/**
 * Takes one action on each listed case in turn. A case outside the caller's jurisdiction
 * answers not found, as it would alone. `unexpected` hears of failures that are not the
 * caller's doing, which answer `internal` for their case.
 */
export async function bulkAct(env: Env, ctx: RequestContext, input: BulkInput, unexpected: (caseId: number, err: unknown) => void) {
  requireAccess(ctx.actor, 'cases.read');
  const { action, items, ...parameters } = input;
  if (!isBulkAction(action)) throw new ValidationError('action', `${action} is not taken in bulk; bulk actions are ${BULK_ACTIONS.join(', ')}`);
  const transition: Transition = TRANSITIONS[action];
  if (!(transition.roles as readonly Role[]).includes(ctx.actor.role)) throw new ForbiddenError(`your role (${ctx.actor.role}) may not ${action}`);
  if (transition.needsNote && !parameters.note?.trim() && parameters.templateId === undefined) throw new ValidationError('note', `${action} needs a note or a templateId saying why`);
  const required = REQUIRED[action];
  if (required && parameters[required] === undefined) throw new ValidationError(required, `${action} needs ${required}`);
  if (items.length === 0 || items.length > BULK_MAX_ITEMS) throw new ValidationError('items', `list 1 to ${BULK_MAX_ITEMS} cases`);
  const seen = new Set<number>();
  for (const item of items) {
    if (seen.has(item.id)) throw new ValidationError('items', `case ${item.id} is listed more than once`);
    seen.add(item.id);
  }

  // One case after another: each holds a connection only for its own transaction.
  const results: BulkResult[] = [];
  for (const item of items) {
    try {
      const done = await applyAction(env, ctx, item.id, { ...parameters, action, version: item.version });
      results.push({ id: item.id, ok: true, status: done.status, version: done.version });
    } catch (err) {
      if (err instanceof AppError) {
        results.push({ id: item.id, ok: false, error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(err.details ? { details: err.details } : {}) } });
      } else {
        unexpected(item.id, err);
        results.push({ id: item.id, ok: false, error: { code: 'internal', message: 'something went wrong on our side; it has been logged' } });
      }
    }
  }
  const succeeded = results.filter((r) => r.ok).length;
  return { action, results, summary: { total: results.length, succeeded, failed: results.length - succeeded } };
}
