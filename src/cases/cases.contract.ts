/**
 * Shapes of the cases API that the web app reads too (web/src/cases/types.ts and
 * web/src/stats/api.ts import them): the server builds its answers to these types and the
 * web app reads the same ones, so the two cannot drift apart. Types and constants only,
 * importing nothing, so the browser build can take this file as it is.
 */

/** The filters of GET /api/v1/cases, which its CSV export and the figures' drill-down links take too. */
export interface CaseQuery {
  status?: string[];
  categoryCode?: string;
  channel?: string;
  adminUnitId?: number;
  departmentId?: number;
  gridId?: number;
  overdue?: boolean;
  q?: string;
  /** RFC 3339; received at or after. */
  from?: string;
  /** RFC 3339; received before. */
  to?: string;
  /** RFC 3339; closed at or after. */
  closedFrom?: string;
  /** RFC 3339; closed before. */
  closedTo?: string;
  /** RFC 3339, with dueTo: counted as due (应结案) in [dueFrom, dueTo), by the figures' rule. */
  dueFrom?: string;
  dueTo?: string;
}

/** What the figures are grouped by (GET /api/v1/stats/cases?groupBy=). */
export const GROUPINGS = ['department', 'adminUnit', 'grid', 'category', 'channel', 'staff'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** The levels of the admin tree, top down. */
export type AdminLevelName = 'city' | 'district' | 'township' | 'community';

/** The figures of a set of cases (one group, or all of them); definitions in the README, "Figures". */
export interface CaseFigureSet {
  received: number;
  registered: number;
  dispatched: number;
  closed: number;
  due: number;
  closedOnTime: number;
  reopened: number;
  extended: number;
  rated: number;
  satisfied: number;
  /** closed / due; null when nothing was due. Rates are fractions (0.7143). */
  closureRate: number | null;
  /** closedOnTime / due. */
  onTimeRate: number | null;
  /** reopened / due. */
  reopenRate: number | null;
  /** extended / due. */
  extensionRate: number | null;
  /** Mean wall-clock hours from registration to closure over `closed`. */
  averageHandlingHours: number | null;
  /** satisfied / rated. */
  satisfactionRate: number | null;
}

/** One staff member's actions in the period (the figures by post). */
export interface StaffFigureSet {
  received: number;
  registered: number;
  dispatched: number;
  handled: number;
  verified: number;
  closed: number;
}

/**
 * Parameters for GET /api/v1/cases listing a group's cases: those received in the period
 * (`from`, `to`), those its `closed` figure counts (`status` closed, `closedFrom`, `closedTo`),
 * or those its `due` figure counts (`dueFrom`, `dueTo`).
 */
export interface CaseDrill {
  from?: string;
  to?: string;
  status?: 'closed';
  closedFrom?: string;
  closedTo?: string;
  dueFrom?: string;
  dueTo?: string;
  adminUnitId?: number;
  departmentId?: number;
  categoryCode?: string;
  channel?: string;
}

export interface CaseFigureGroup extends CaseFigureSet {
  /** The department, admin unit or grid id, the category or channel code; null for cases with none. */
  key: number | string | null;
  code: string | null;
  name: string;
  /** The name in English where the group has one (a category); null elsewhere: channels are named by the client's own labels. */
  nameEn: string | null;
  /** The group's cases received in the period; null where GET /api/v1/cases cannot list exactly this group (a grid, cases with no key). */
  drill: CaseDrill | null;
  /** The group's cases closed in the period, as `closed` counts them; null where `drill` is. */
  closedDrill: CaseDrill | null;
  /** The group's cases due in the period, as `due` counts them; null where `drill` is. */
  dueDrill: CaseDrill | null;
}

export interface StaffFigureGroup extends StaffFigureSet {
  key: number;
  /** The username; `name` is the display name. */
  code: string;
  name: string;
  nameEn: null;
  drill: null;
  closedDrill: null;
  dueDrill: null;
}

export interface FigureHead {
  from: string;
  to: string;
  adminUnitId: number | null;
}
export type CaseFigures = FigureHead & { groupBy: Exclude<Grouping, 'staff'>; level: AdminLevelName | null; groups: CaseFigureGroup[]; totals: CaseFigureSet };
export type StaffFigures = FigureHead & { groupBy: 'staff'; level: null; groups: StaffFigureGroup[]; totals: StaffFigureSet };
export type Figures = CaseFigures | StaffFigures;

/** The kinds of department a category may name (the community committee last): where no routing rule says otherwise, the nearest department of its kind takes the case. */
export const DEPARTMENT_KINDS = [
  'urban_management', 'law_enforcement', 'housing', 'water', 'water_supply', 'gas', 'power',
  'police', 'traffic_police', 'fire', 'emergency', 'market', 'environment', 'transport',
  'planning', 'health', 'education', 'civil_affairs', 'human_resources', 'justice',
  'petitions', 'agriculture', 'culture', 'commerce', 'veterans', 'medical_insurance',
  'politics_law', 'court', 'procuratorate', 'community',
] as const;

/** What a response template may say of its case, as `{ticketNo}`: filled in from the case when the template is used. */
export const PLACEHOLDERS = ['ticketNo', 'category', 'department', 'address', 'dueAt', 'receivedAt'] as const;

/** Actions whose note is the official answer to the reporter (told by SMS or email and on the public page); other notes stay internal. */
export const ANSWERING_ACTIONS = ['report_back', 'close', 'reject', 'refer_out', 'merge'] as const;
