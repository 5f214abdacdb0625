/**
 * Periods in the city's clock, China Standard Time (UTC+8, no daylight saving), whatever the
 * browser's zone: the figures' `from`/`to` as RFC 3339 with +08:00, half-open like the API.
 */

export type PeriodKind = 'thisMonth' | 'lastMonth' | 'thisYear' | 'custom';
export const PERIOD_KINDS: PeriodKind[] = ['thisMonth', 'lastMonth', 'thisYear', 'custom'];

/** A half-open period [from, to) as the API takes it. */
export interface Period {
  /** RFC 3339, e.g. 2026-03-01T00:00:00+08:00. */
  from: string;
  to: string;
}

const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date in China, 'YYYY-MM-DD'. */
export function cstToday(now: Date = new Date()): string {
  return new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** A date n days later (or earlier), 'YYYY-MM-DD'. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Midnight at the start of a day in China, RFC 3339. */
export function cstMidnight(day: string): string {
  return `${day}T00:00:00+08:00`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Whether a text is a real calendar date 'YYYY-MM-DD'. */
export function isDay(text: string): boolean {
  const m = DAY.exec(text);
  return !!m && new Date(Date.parse(`${text}T00:00:00Z`)).toISOString().slice(0, 10) === text;
}

/**
 * The period of a kind as of `now`: this month, last month, this year (each up to the start of
 * the next), or a custom span of whole days, `last` included.
 */
export function periodOf(kind: PeriodKind, now: Date = new Date(), custom?: { first: string; last: string }): Period {
  const [y, m] = cstToday(now).split('-').map(Number);
  switch (kind) {
    case 'thisMonth':
      return { from: cstMidnight(`${y}-${pad(m)}-01`), to: cstMidnight(m === 12 ? `${y + 1}-01-01` : `${y}-${pad(m + 1)}-01`) };
    case 'lastMonth':
      return { from: cstMidnight(m === 1 ? `${y - 1}-12-01` : `${y}-${pad(m - 1)}-01`), to: cstMidnight(`${y}-${pad(m)}-01`) };
    case 'thisYear':
      return { from: cstMidnight(`${y}-01-01`), to: cstMidnight(`${y + 1}-01-01`) };
    case 'custom': {
      if (!custom || !isDay(custom.first) || !isDay(custom.last) || custom.last < custom.first) throw new RangeError('a custom period needs a first and a last day, in order');
      return { from: cstMidnight(custom.first), to: cstMidnight(addDays(custom.last, 1)) };
    }
  }
}

/** The last `n` days up to and including today, as the daily series takes them ('YYYY-MM-DD', `to` exclusive). */
export function lastDays(n: number, now: Date = new Date()): { from: string; to: string } {
  const today = cstToday(now);
  return { from: addDays(today, 1 - n), to: addDays(today, 1) };
}

/** The first and last day of a period (for showing it, and for the custom fields). */
export function daysOf(period: Period): { first: string; last: string } {
  const first = cstToday(new Date(period.from));
  const last = cstToday(new Date(Date.parse(period.to) - 1));
  return { first, last };
}
