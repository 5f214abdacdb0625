/**
 * What the users API takes, as the server's service and the web app's forms (web/src/accounts/api.ts)
 * both read it. Types only, importing nothing but the role list, so the browser build takes it as it is.
 */
import type { Role } from '../core/roles.js';

/** A new account (POST /api/v1/users). */
export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  /** The admin unit whose cases and records the user sees; null for the whole instance. */
  jurisdictionId: number | null;
  /** Required for department handlers. */
  departmentId?: number | null;
  phone?: string | null;
}

/** What an administrator may change of an account (PATCH /api/v1/users/{id}); absent fields stay as they are. */
export interface UserChange {
  displayName?: string;
  role?: Role;
  jurisdictionId?: number | null;
  departmentId?: number | null;
  phone?: string | null;
  /** false ends the user's sessions; true lets them sign in again. */
  active?: boolean;
}
