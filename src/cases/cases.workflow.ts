import type { Role } from '../core/access.js';
import { ANSWERING_ACTIONS as ANSWERING } from './cases.contract.js';

/**
 * The closed loop as data (DOMAIN.md, cases): every state a case can be in, and every
 * action with the states it may start from, the state it leads to and who may take it.
 * The one place transitions are decided; nothing else compares statuses to allow an action.
 */

export const STATUSES = [
  'received', // taken in, awaiting registration (受理)
  'registered', // 立案, awaiting dispatch
  'dispatched', // 派遣, awaiting the department's acceptance
  'in_progress', // accepted, being handled (处置)
  'returned', // 退单/转办: back with the dispatcher for review
  'deferred', // 缓办
  'hung', // 挂账: long-term backlog
  'reported', // 反馈: handled, awaiting on-site verification
  'verified', // 核查通过, awaiting the call back
  'closed', // 结案
  'rejected', // 不立案
  'void', // 作废
  'merged', // 并单 into another case
  'referred', // told its legal channel or handed to 110/119/120/122
] as const;
export type Status = (typeof STATUSES)[number];

/** States a case can leave; the rest are final. */
export const OPEN_STATUSES: ReadonlySet<Status> = new Set<Status>(['received', 'registered', 'dispatched', 'in_progress', 'returned', 'deferred', 'hung', 'reported', 'verified']);

/** Whose relation to the case, besides role, allows an action. */
export type Relation =
  | 'any' // any holder of the role within whose jurisdiction the case lies
  | 'lead_department' // a handler of the case's lead department
  | 'grid_worker' // a worker of the case's grid
  | 'reporter'; // the reporter, holding the case's secret link

export interface Transition {
  from: readonly Status[];
  /** The state after; `same` keeps the state (supervise, escalate, request an extension). */
  to: Status | 'same';
  roles: readonly Role[];
  relation: Relation;
  /** A note is required (a reason for refusing, returning, reopening…). */
  needsNote?: boolean;
}

const DISPATCH: Role[] = ['dispatcher', 'admin'];
const HANDLER: Role[] = ['department_handler'];
const OPEN: Status[] = [...OPEN_STATUSES];

export const TRANSITIONS = {
  register: { from: ['received'], to: 'registered', roles: DISPATCH, relation: 'any' },
  reject: { from: ['received'], to: 'rejected', roles: DISPATCH, relation: 'any', needsNote: true },
  void: { from: ['received', 'registered'], to: 'void', roles: DISPATCH, relation: 'any', needsNote: true },
  refer_out: { from: ['received', 'registered'], to: 'referred', roles: DISPATCH, relation: 'any', needsNote: true },
  merge: { from: ['received', 'registered'], to: 'merged', roles: DISPATCH, relation: 'any' },
  dispatch: { from: ['registered', 'returned'], to: 'dispatched', roles: DISPATCH, relation: 'any' },
  joint_dispatch: { from: ['registered', 'returned'], to: 'dispatched', roles: DISPATCH, relation: 'any' },
  accept: { from: ['dispatched'], to: 'in_progress', roles: HANDLER, relation: 'lead_department' },
  return: { from: ['dispatched'], to: 'returned', roles: HANDLER, relation: 'lead_department', needsNote: true },
  transfer: { from: ['dispatched', 'in_progress'], to: 'returned', roles: HANDLER, relation: 'lead_department', needsNote: true },
  request_extension: { from: ['in_progress'], to: 'same', roles: HANDLER, relation: 'lead_department', needsNote: true },
  extend: { from: ['in_progress'], to: 'same', roles: [...DISPATCH, 'leader'], relation: 'any' },
  defer: { from: ['registered', 'in_progress'], to: 'deferred', roles: DISPATCH, relation: 'any', needsNote: true },
  hang: { from: ['registered', 'in_progress', 'deferred'], to: 'hung', roles: DISPATCH, relation: 'any', needsNote: true },
  resume: { from: ['deferred', 'hung'], to: 'registered', roles: DISPATCH, relation: 'any' },
  report_back: { from: ['in_progress'], to: 'reported', roles: HANDLER, relation: 'lead_department', needsNote: true },
  verify_ok: { from: ['reported'], to: 'verified', roles: ['grid_worker'], relation: 'grid_worker' },
  verify_fail: { from: ['reported'], to: 'in_progress', roles: ['grid_worker'], relation: 'grid_worker', needsNote: true },
  callback: { from: ['verified'], to: 'same', roles: DISPATCH, relation: 'any' },
  rate: { from: ['verified', 'closed'], to: 'same', roles: ['citizen'], relation: 'reporter' },
  reopen: { from: ['verified', 'closed'], to: 'in_progress', roles: DISPATCH, relation: 'any', needsNote: true },
  close: { from: ['verified', 'registered'], to: 'closed', roles: DISPATCH, relation: 'any' },
  supervise: { from: OPEN, to: 'same', roles: [...DISPATCH, 'leader'], relation: 'any', needsNote: true },
  escalate: { from: OPEN, to: 'same', roles: [...DISPATCH, 'leader'], relation: 'any' },
} as const satisfies Record<string, Transition>;

export type Action = keyof typeof TRANSITIONS;
export const ACTIONS = Object.keys(TRANSITIONS) as Action[];

/** What the caller is to the case, worked out once by the service. */
export interface Standing {
  role: Role;
  leadDepartment: boolean;
  gridWorker: boolean;
  reporter?: boolean;
}

/** Whether someone standing so may take `action` on a case in `status`. */
export function mayTake(action: Action, status: Status, who: Standing): boolean {
  const t: Transition = TRANSITIONS[action];
  if (!t.from.includes(status) || !t.roles.includes(who.role)) return false;
  if (t.relation === 'lead_department') return who.leadDepartment;
  if (t.relation === 'grid_worker') return who.gridWorker;
  if (t.relation === 'reporter') return who.reporter === true;
  return true;
}

/** Every action this caller may take now, for `allowedActions` and 409 answers. */
export function allowedActions(status: Status, who: Standing): Action[] {
  return ACTIONS.filter((a) => mayTake(a, status, who));
}

/** The state a case is in after `action`. */
export function nextStatus(action: Action, status: Status): Status {
  const to: Transition['to'] = TRANSITIONS[action].to;
  return to === 'same' ? status : to;
}

/**
 * The reporter's own rating (through the public door) while it speaks for the case as it stands,
 * so that a call back need not ask for it again; null when there is none. A rating of 1 or 2
 * reopened the case: once it is handled again, the call back asks anew.
 */
export function reporterRating(satisfaction: number | null, ratedByReporter: boolean): number | null {
  return ratedByReporter && satisfaction !== null && satisfaction > 2 ? satisfaction : null;
}

/** Actions whose note is the official answer to the reporter (cases.contract.ts); other notes stay internal. */
export const ANSWERING_ACTIONS: ReadonlySet<string> = new Set<Action>(ANSWERING);
