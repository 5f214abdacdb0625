import { ApiError, api, session, withQuery } from '../api/client';
import type { Period } from './periods';

/** Shapes of the figures (src/cases/cases.stats.ts; definitions in the README, "Figures"). */

export const GROUPINGS = ['department', 'adminUnit', 'grid', 'category', 'channel', 'staff'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** The query of GET /api/v1/cases listing a group's cases received in the period. */
export type CaseDrill = Record<string, string | number>;

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
  /** Fractions (0.7143); null over nothing. */
  closureRate: number | null;
  onTimeRate: number | null;
  reopenRate: number | null;
  extensionRate: number | null;
  averageHandlingHours: number | null;
  satisfactionRate: number | null;
}

export interface StaffFigureSet {
  received: number;
  registered: number;
  dispatched: number;
  handled: number;
  verified: number;
  closed: number;
}

interface GroupHead {
  key: number | string | null;
  code: string | null;
  name: string;
  drill: CaseDrill | null;
}
export type CaseFigureGroup = GroupHead & CaseFigureSet;
export type StaffFigureGroup = GroupHead & StaffFigureSet;

interface FigureHead {
  from: string;
  to: string;
  adminUnitId: number | null;
  level: string | null;
}
export type CaseFigures = FigureHead & { groupBy: Exclude<Grouping, 'staff'>; groups: CaseFigureGroup[]; totals: CaseFigureSet };
export type StaffFigures = FigureHead & { groupBy: 'staff'; groups: StaffFigureGroup[]; totals: StaffFigureSet };
export type Figures = CaseFigures | StaffFigures;

export interface FigureQuery extends Period {
  groupBy: Grouping;
  adminUnitId?: number;
}

/** GET /api/v1/stats/cases. */
export function fetchFigures(query: FigureQuery, signal?: AbortSignal): Promise<Figures> {
  return api.get<Figures>('/api/v1/stats/cases', { query: { ...query }, signal });
}

/** GET /api/v1/stats/cases/daily: cases received and closed per day (China Standard Time). */
export interface DailyCounts {
  from: string;
  to: string;
  days: { date: string; received: number; closed: number }[];
}

export function fetchDaily(query: { from: string; to: string }, signal?: AbortSignal): Promise<DailyCounts> {
  return api.get<DailyCounts>('/api/v1/stats/cases/daily', { query, signal });
}

/** The case list's link for a group's drill query: /cases?departmentId=…&from=…&to=…. */
export function drillLink(drill: CaseDrill): string {
  return withQuery('/cases', drill);
}

/**
 * Downloads the figures as a file (.xlsx or .csv): fetched with the session's token as a blob,
 * then saved under the server's file name through a temporary link.
 */
export async function downloadFigures(query: FigureQuery, format: 'xlsx' | 'csv'): Promise<string> {
  const token = session.token();
  const response = await fetch(withQuery(`/api/v1/stats/cases.${format}`, { ...query }), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const error = await response.json().catch(() => null) as { error?: { code?: string; message?: string; field?: string } } | null;
    throw new ApiError(response.status, error?.error?.code ?? `http_${response.status}`, error?.error?.message ?? response.statusText, error?.error?.field);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `case-figures.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the blob goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
