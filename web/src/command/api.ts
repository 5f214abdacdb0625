import type { FeatureCollection, Point } from 'geojson';
import { api } from '../api/client';
import type { CaseStatus } from '../api/types';

/** Shapes of the command centre's reads (src/cases/cases.map.ts, cases.live.ts, cases.service.ts listCases). */

export interface CasePointProperties {
  id: number;
  status: CaseStatus;
  overdue: boolean;
  categoryCode: string | null;
}

/** GET /api/v1/cases/points.geojson. */
export type CasePoints = FeatureCollection<Point, CasePointProperties> & { truncated: boolean; period: { from: string; to: string } | null };

export function fetchPoints(status: 'open' | 'all', signal?: AbortSignal): Promise<CasePoints> {
  return api.get<CasePoints>('/api/v1/cases/points.geojson', { query: { status }, signal });
}

/** The few fields of a case list row the command centre shows. */
export interface CaseRow {
  id: number;
  ticketNo: string;
  status: CaseStatus;
  categoryCode: string | null;
  address: string | null;
  dueAt: string | null;
  overdue: boolean;
  createdAt: string;
}

export interface CaseRowPage {
  items: CaseRow[];
  total: number;
  totalExact: boolean;
}

/** The most recently received overdue cases, and how many there are (GET /api/v1/cases?overdue=true). */
export function fetchOverdue(limit: number, signal?: AbortSignal): Promise<CaseRowPage> {
  return api.get<CaseRowPage>('/api/v1/cases', { query: { overdue: true, pageSize: limit }, signal });
}

/** One event of GET /api/v1/cases/stream. */
export interface CaseChange {
  eventId: number;
  caseId: number;
  ticketNo: string;
  action: string;
  status: CaseStatus;
  at: string;
}
