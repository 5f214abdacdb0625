import { positiveInt } from '../app/record-id';
import { OPEN_STATUSES, type CaseQuery } from './types';

/** The case list's filters live in the address (?status=&categoryCode=…), so the figures' drill-down links open them. */
export function queryFromParams(params: URLSearchParams): CaseQuery {
  const number = (key: string) => positiveInt(params.get(key)) ?? undefined;
  const statuses = params.getAll('status').flatMap((s) => (s === 'open' ? [...OPEN_STATUSES] : [s]));
  return {
    status: statuses.length ? statuses : undefined,
    categoryCode: params.get('categoryCode') ?? undefined,
    channel: params.get('channel') ?? undefined,
    adminUnitId: number('adminUnitId'),
    departmentId: number('departmentId'),
    overdue: params.get('overdue') === 'true' ? true : undefined,
    q: params.get('q') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    closedFrom: params.get('closedFrom') ?? undefined,
    closedTo: params.get('closedTo') ?? undefined,
    dueFrom: params.get('dueFrom') ?? undefined,
    dueTo: params.get('dueTo') ?? undefined,
    page: number('page') ?? 1,
  };
}

const DAY = 86_400_000;
const CHINA = 8 * 3600_000;

/** 2026-03-01 (a day in China) → 2026-03-01T00:00:00+08:00. */
export function dayStart(day: string): string {
  return `${day}T00:00:00+08:00`;
}

/** The day after, so that a date range includes its last day ("to" is exclusive). */
export function dayEnd(day: string): string {
  return new Date(Date.parse(dayStart(day)) + DAY).toISOString();
}

/** An instant as the day in China it falls on; `exclusiveEnd` shows the day before an exclusive end. */
export function dayOf(instant: string | undefined, exclusiveEnd = false): string {
  if (!instant) return '';
  const t = Date.parse(instant);
  if (Number.isNaN(t)) return '';
  return new Date(t + CHINA - (exclusiveEnd ? 1 : 0)).toISOString().slice(0, 10);
}
