import { ApiError, api, session, withQuery } from '../api/client';
import { saveFile } from '../ui/save-file';
import type { Period } from './periods';

// Shapes of the figures, as the server builds them (definitions in the README, "Figures").
export { GROUPINGS } from '../../../src/cases/cases.contract';
export type {
  CaseDrill, CaseFigureGroup, CaseFigures, CaseFigureSet, Figures, Grouping, StaffFigureGroup, StaffFigures, StaffFigureSet,
} from '../../../src/cases/cases.contract';
import type { CaseDrill, Figures, Grouping } from '../../../src/cases/cases.contract';

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
  return withQuery('/cases', { ...drill });
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
  saveFile(await response.blob(), name);
  return name;
}
