import { requireAccess, scopePrefix, type RequestContext } from '../core/access.js';
import type { Env } from '../core/env.js';
import { ValidationError } from '../core/errors.js';
import * as repo from './cases.map.repo.js';

/**
 * The command centre's reads (指挥中心): the cases of the jurisdiction as map points, and
 * cases received and closed per day for the trend chart. Both are bounded so that a city's
 * wall screen can ask for them every few seconds.
 */

/** More points than a map can show legibly, and than a browser should be sent at once. */
export const POINT_LIMIT = 20_000;
const DAY_MS = 86_400_000;
/** China Standard Time, the city's clock (calendar.ts). */
const CST_OFFSET_MS = 8 * 3_600_000;
/** The default period of `status=all`: the last thirty days. */
const DEFAULT_PERIOD_DAYS = 30;
const MAX_PERIOD_DAYS = 366;

export interface PointQuery {
  /** `open`: cases not yet ended; `all`: those and the cases that ended in the period. */
  status?: 'open' | 'all';
  /** RFC 3339; with status=all, the period the ended cases ended in (default: the thirty days before now). */
  from?: string;
  to?: string;
}

/** One case as the map draws it. */
export interface CasePointFeature {
  type: 'Feature';
  id: number;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: { id: number; status: string; overdue: boolean; categoryCode: string | null };
}

export interface CasePointCollection {
  type: 'FeatureCollection';
  features: CasePointFeature[];
  /** True when more cases matched than POINT_LIMIT: the overdue and newest are the ones sent. */
  truncated: boolean;
  /** The period ended cases were taken from; null for open cases only. */
  period: { from: string; to: string } | null;
}

const round = (v: number) => Math.round(v * 1e5) / 1e5;

/** The located cases in the caller's jurisdiction as GeoJSON points (WGS84, about a metre). */
export async function casePoints(env: Env, ctx: RequestContext, q: PointQuery, now = new Date()): Promise<CasePointCollection> {
  requireAccess(ctx.actor, 'cases.read');
  const pathPrefix = scopePrefix(ctx.actor);
  const period = q.status === 'all'
    ? periodOf(q.from, q.to, new Date(now.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS), now)
    : null;
  if (!period && (q.from !== undefined || q.to !== undefined)) throw new ValidationError(q.from !== undefined ? 'from' : 'to', 'a period applies only to status=all');
  const rows = await repo.casePoints(env.db, { pathPrefix, endedIn: period, now, limit: POINT_LIMIT + 1 });
  return {
    type: 'FeatureCollection',
    features: rows.slice(0, POINT_LIMIT).map((r) => ({
      type: 'Feature',
      id: r.id,
      geometry: { type: 'Point', coordinates: [round(r.lon), round(r.lat)] },
      properties: { id: r.id, status: r.status, overdue: r.overdue, categoryCode: r.categoryCode },
    })),
    truncated: rows.length > POINT_LIMIT,
    period: period && { from: period.from.toISOString(), to: period.to.toISOString() },
  };
}

export interface DailyQuery {
  /** First day, 'YYYY-MM-DD' in China Standard Time, inclusive. */
  from: string;
  /** Last day, exclusive. */
  to: string;
}

export interface DailyCounts {
  from: string;
  to: string;
  /** Every day of the period, in order, zeros included. */
  days: { date: string; received: number; closed: number }[];
}

/**
 * Cases received and closed per day (China Standard Time) in the caller's jurisdiction, as
 * the figures count them (README, "Figures": `received`, `closed`), for the trend chart.
 */
export async function dailyCaseCounts(env: Env, ctx: RequestContext, q: DailyQuery): Promise<DailyCounts> {
  requireAccess(ctx.actor, 'stats.read');
  const pathPrefix = scopePrefix(ctx.actor);
  const from = cstMidnight(q.from, 'from');
  const to = cstMidnight(q.to, 'to');
  if (to <= from) throw new ValidationError('to', 'to must be after from');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) throw new ValidationError('from', `the period may cover at most ${MAX_PERIOD_DAYS} days`);
  const counts = await repo.countsPerDay(env.db, pathPrefix, from, to);
  const received = new Map(counts.received.map((c) => [c.day, c.n]));
  const closed = new Map(counts.closed.map((c) => [c.day, c.n]));
  const days: DailyCounts['days'] = [];
  for (let t = from.getTime(); t < to.getTime(); t += DAY_MS) {
    const date = new Date(t + CST_OFFSET_MS).toISOString().slice(0, 10);
    days.push({ date, received: received.get(date) ?? 0, closed: closed.get(date) ?? 0 });
  }
  return { from: q.from, to: q.to, days };
}

/** 'YYYY-MM-DD' → that day's midnight in China Standard Time. */
function cstMidnight(day: string, field: string): Date {
  const t = Date.parse(`${day}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(t) || new Date(t + CST_OFFSET_MS).toISOString().slice(0, 10) !== day) {
    throw new ValidationError(field, `${field} must be a date (YYYY-MM-DD)`);
  }
  return new Date(t);
}

/** A period from RFC 3339 bounds, or the default one; at most a year. */
function periodOf(from: string | undefined, to: string | undefined, defaultFrom: Date, defaultTo: Date): { from: Date; to: Date } {
  const start = from === undefined ? defaultFrom : new Date(from);
  const end = to === undefined ? defaultTo : new Date(to);
  if (Number.isNaN(start.getTime())) throw new ValidationError('from', 'from must be a date-time');
  if (Number.isNaN(end.getTime())) throw new ValidationError('to', 'to must be a date-time');
  if (end <= start) throw new ValidationError('to', 'to must be after from');
  if (end.getTime() - start.getTime() > MAX_PERIOD_DAYS * DAY_MS) throw new ValidationError('from', `the period may cover at most ${MAX_PERIOD_DAYS} days`);
  return { from: start, to: end };
}
