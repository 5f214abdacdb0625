import { ForbiddenError, NotFoundError, UnauthorizedError } from './errors.js';
import { ROLES, type Role } from './roles.js';

export { ROLES, type Role };

/** Who is asking: a signed-in user, resolved once per request. */
export interface Actor {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** The admin unit whose subtree this user sees; null for the whole instance (admin, auditor) or for a citizen. */
  jurisdictionId: number | null;
  /** Path of that unit ('/1/5/'); '' means the whole instance; null sees no staff records. */
  jurisdictionPath: string | null;
  departmentId: number | null;
}

/** Where a write came from, for the audit trail. */
export interface RequestContext {
  actor: Actor | null;
  /** Who acted when no user did: a public door ('citizen'), an API client ('open311:<key name>'). */
  via?: string;
  ip?: string;
  requestId?: string;
}

const STAFF: Role[] = ['admin', 'dispatcher', 'department_handler', 'grid_worker', 'mediator', 'leader', 'auditor', 'assessor'];

/**
 * What each role may do, as data: one table to read when asking "who can…".
 * Later modules add their permissions here.
 */
const PERMISSIONS = {
  'geo.read': STAFF,
  'geo.import': ['admin'],
  /** Set a grid's team: its workers (their accounts), leader and liaisons. */
  'geo.team': ['admin'],
  'departments.read': STAFF,
  'users.read': ['admin', 'auditor', 'leader'],
  'users.write': ['admin'],
  'audit.read': ['admin', 'auditor'],
  'cases.read': STAFF,
  /** Take cases in through a staff channel; which channel depends on the role (cases.service). */
  'cases.create': ['admin', 'dispatcher', 'grid_worker', 'department_handler'],
  /** Edit the dispatch catalogue, categories and calendar. */
  'cases.configure': ['admin'],
  /** Download the case list as CSV (no personal data; each export is audited): the roles that account for the work. */
  'cases.export': ['admin', 'dispatcher', 'leader', 'auditor', 'department_handler'],
  /** Read the performance figures of cases in the jurisdiction, and export them. */
  'stats.read': ['admin', 'dispatcher', 'leader', 'auditor', 'department_handler'],
  /** See residents' and staff's phone and ID numbers unmasked (each reading is audited). */
  'personal.reveal': ['admin', 'dispatcher', 'mediator', 'grid_worker'],
  /** Read and use response templates: the roles that answer or annotate cases. */
  'templates.read': ['admin', 'dispatcher', 'department_handler', 'grid_worker', 'leader'],
  /** Write, change and delete response templates of units in the jurisdiction. */
  'templates.manage': ['admin', 'dispatcher'],
} satisfies Record<string, Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(actor: Actor | null, permission: Permission): boolean {
  return !!actor && (PERMISSIONS[permission] as Role[]).includes(actor.role);
}

/** The first line of a service function: refuses anonymous callers and roles without the permission. */
export function requireAccess(actor: Actor | null, permission: Permission): asserts actor is Actor {
  if (!actor) throw new UnauthorizedError();
  if (!can(actor, permission)) throw new ForbiddenError(`your role (${actor.role}) may not ${permission}`);
}

/** True when a record at `path` lies in the actor's jurisdiction. */
export function inScope(actor: Actor, path: string): boolean {
  return actor.jurisdictionPath !== null && path.startsWith(actor.jurisdictionPath);
}

/** Records outside the jurisdiction answer as if they did not exist. */
export function requireInScope(actor: Actor, path: string, what: string, field?: string): void {
  if (!inScope(actor, path)) throw new NotFoundError(what, undefined, field);
}

/** The path prefix to filter lists by; a caller without one sees nothing. */
export function scopePrefix(actor: Actor): string {
  if (actor.jurisdictionPath === null) throw new NotFoundError('jurisdiction');
  return actor.jurisdictionPath;
}
