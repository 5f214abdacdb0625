/**
 * Shapes of the geography API that the web app reads too (web/src/geo/api.ts imports them), so
 * the two cannot drift apart. Types and constants only, importing nothing, so the browser build
 * can take this file as it is.
 */

/** The levels of the admin tree, top down. */
export type AdminLevel = 'city' | 'district' | 'township' | 'community';

/** Whose outlines a boundary layer holds: admin units of a level, or grids. */
export type BoundaryLevel = AdminLevel | 'grid';

/** The properties of one outline of GET /api/v1/geo/boundaries.geojson. */
export interface BoundaryProperties {
  kind: 'adminUnit' | 'grid';
  id: number;
  code: string;
  name: string;
  /** The unit's level, or 'grid'. */
  level: BoundaryLevel;
}

/** What a geography import file holds. */
export const IMPORT_KINDS = ['admin-units', 'grids', 'grid-members'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The answer to an import that went in (201 of POST /api/v1/geo/imports). */
export interface ImportResult {
  kind: ImportKind;
  rows: number;
  created: number;
  updated: number;
  removed: number;
}

/** The places on a grid's team (网格员, 网格长, 三官一律). */
export const TEAM_ROLES = ['worker', 'leader', 'police_officer', 'judge', 'prosecutor', 'lawyer'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** One person of a grid's team as PUT /api/v1/grids/{id}/members takes it: by their account, or by name for people without one. */
export interface TeamMember {
  role: TeamRole;
  userId?: number;
  /** Defaults to the account's name. */
  name?: string;
  organization?: string | null;
  phone?: string | null;
}
