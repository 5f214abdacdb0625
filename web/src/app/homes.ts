import type { Role } from '../api/types';

/** Where each role starts after signing in (and at /). */
const HOMES: Record<Role, string> = {
  dispatcher: '/queue/dispatch',
  department_handler: '/queue/department',
  grid_worker: '/queue/grid',
  leader: '/command',
  admin: '/command',
  auditor: '/stats',
  mediator: '/cases',
  assessor: '/cases',
  // A resident's account sees no staff records (src/core/access.ts): their place is the public door.
  citizen: '/report',
};

export function homeFor(role: Role): string {
  return HOMES[role];
}
