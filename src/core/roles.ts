/**
 * Every role Shiyu knows; demo mode makes one account per role, named after it. Importing nothing,
 * so that the web app takes the same list (web/src/api/types.ts) and the two cannot drift apart.
 */
export const ROLES = [
  'admin',
  'dispatcher',
  'department_handler',
  'grid_worker',
  'mediator',
  'leader',
  'auditor',
  'assessor',
  'citizen',
] as const;
export type Role = (typeof ROLES)[number];
