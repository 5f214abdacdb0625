/** Shapes the server answers, kept by hand beside the server's schemas (src/<module>/*.schema.ts). */

import { ROLES, type Role } from '../../../src/core/roles';

export { ROLES, type Role };
export const STAFF_ROLES: Role[] = ROLES.filter((r) => r !== 'citizen');

/** src/cases/cases.workflow.ts STATUSES. */
export const CASE_STATUSES = [
  'received', 'registered', 'dispatched', 'in_progress', 'returned', 'deferred', 'hung',
  'reported', 'verified', 'closed', 'rejected', 'void', 'merged', 'referred',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** A reference to an admin unit. */
export interface AdminUnitRef {
  id: number;
  code: string;
  name: string;
  level: string;
}

/** GET /api/v1/auth/me (src/accounts/accounts.service.ts UserView). */
export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  jurisdiction: AdminUnitRef | null;
  departmentId: number | null;
  phone: string | null;
  active: boolean;
}

/** POST /api/v1/auth/login. */
export interface LoginResult {
  token: string;
  expiresAt: string;
  user: User;
}

/** Every paged list: `?page=&pageSize=` → this. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** One rejected row or feature of an import (src/core/errors.ts ImportProblem), in the `details.problems` of a 422. */
export interface ImportProblem {
  /** 1-based row of a sheet, 0-based feature of GeoJSON. */
  index: number;
  /** The record the row names: a grid's code, an account's username. */
  code?: string;
  problems: string[];
}
