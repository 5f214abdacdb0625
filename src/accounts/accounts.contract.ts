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

/** The most rows one staff account import takes: each password costs tens of milliseconds to hash (accounts.import.ts). */
export const ACCOUNT_IMPORT_MAX_ROWS = 2000;

/** An account an import made (201 of POST /api/v1/users/import), with its first password: shown this once, stored nowhere. */
export interface ImportedAccount {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  initialPassword: string;
}

export interface AccountImportResult {
  created: number;
  accounts: ImportedAccount[];
}

/** An account a checked file would make (POST /api/v1/users/import?dryRun=true). */
export interface ProposedAccount {
  /** The file's data row, 1-based after the header. */
  row: number;
  username: string;
  displayName: string;
  role: Role;
  /** The admin unit the area column names; null for the whole instance. */
  jurisdiction: { id: number; code: string; name: string; level: string } | null;
  departmentId: number | null;
}

/** The answer of a dry run: nothing was made. */
export interface AccountImportCheck {
  dryRun: true;
  created: 0;
  accounts: ProposedAccount[];
}
