/**
 * Working-time arithmetic for handling time limits (办理时限): "within 4 working hours",
 * "within 5 working days" on a holiday calendar, as GB/T 30428 practice and 12345 hotlines
 * count them. Pure: the calendar is passed in, so callers may load it from the database.
 *
 * Every clock time is China Standard Time (UTC+8, no daylight saving), whatever the
 * server's own time zone: days and minutes are computed from a fixed +8h offset.
 */

/** One city's working time. All clock times are China Standard Time (UTC+8, no daylight saving). */
export interface WorkCalendar {
  /** 'YYYY-MM-DD' days off that would otherwise be working days (public holidays). Weekend days may be listed too; they stay off. */
  holidays: ReadonlySet<string>;
  /** 'YYYY-MM-DD' weekend days that are working days (调休 make-up days). */
  workdays: ReadonlySet<string>;
  /** Working periods of a working day, minutes after local midnight, ascending and not overlapping, e.g. [[510, 720], [810, 1050]] for 08:30–12:00 and 13:30–17:30. */
  periods: ReadonlyArray<readonly [number, number]>;
}

/** How a time limit is counted: working hours, working days, or round-the-clock hours for emergencies. */
export type TimeUnit = 'hours' | 'days' | 'natural_hours';

/** A handling time limit, e.g. `{ amount: 5, unit: 'days' }`. */
export interface TimeLimit {
  /** Positive and finite; fractional for hours (0.5), a whole number for days. */
  amount: number;
  unit: TimeUnit;
}

/** 08:30–12:00 and 13:30–17:30, the usual office hours of a Chinese government department. */
export const DEFAULT_WORKING_PERIODS: ReadonlyArray<readonly [number, number]> = [[510, 720], [810, 1050]];

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * HOUR_MS;
/**
 * How far past the start a due date is looked for. No real time limit comes near three years,
 * so going further means a calendar without working time or an absurd amount, and both are
 * refused rather than looped on.
 */
const HORIZON_DAYS = 3 * 366;

/** Days since 1970-01-01 in China Standard Time: the local calendar day an instant falls on. */
function localDayOf(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS);
}

/** The instant local midnight begins the given local day. */
function midnightOf(day: number): number {
  return day * DAY_MS - CST_OFFSET_MS;
}

function dayKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function parseDayKey(key: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  const day = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS : NaN;
  // Date.UTC rolls 2025-02-30 over into March; a day that does not round-trip is not a day.
  if (!Number.isInteger(day) || dayKey(day) !== key) throw new RangeError(`not a 'YYYY-MM-DD' day: ${key}`);
  return day;
}

function workingDay(day: number, cal: WorkCalendar): boolean {
  const key = dayKey(day);
  // A holiday wins over everything, so listing a weekend day off (as the notices do) is harmless.
  if (cal.holidays.has(key)) return false;
  if (cal.workdays.has(key)) return true;
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * Whether `day` ('YYYY-MM-DD') is a working day: listed in `holidays` → no; else listed in
 * `workdays` → yes; else Monday to Friday. Throws RangeError on a malformed day.
 */
export function isWorkingDay(day: string, cal: WorkCalendar): boolean {
  return workingDay(parseDayKey(day), cal);
}

function checkPeriods(cal: WorkCalendar): void {
  let previousEnd = 0;
  for (const [start, end] of cal.periods) {
    if (!(Number.isFinite(start) && Number.isFinite(end) && start >= previousEnd && start < end && end <= 1440)) {
      throw new RangeError('working periods must be ascending, non-overlapping minutes within a day');
    }
    previousEnd = end;
  }
}

function checkDate(date: Date, name: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

/**
 * When a case started at `start` is due under `limit` on `cal`.
 *
 * - `hours`: working time is counted forward from `start`; a start outside working time
 *   begins counting at the next working period. The result is the instant the last working
 *   minute ends, so a limit that runs out exactly at a period's end is that end (12:00), not
 *   the next period's start (13:30).
 * - `days` ("within N working days"): due at the end of the last working period of the Nth
 *   working day after the day of `start`. The registration day itself never counts, whatever
 *   the hour: 3 working days from a Wednesday is Monday 17:30.
 * - `natural_hours` (emergencies): plain elapsed hours, calendar ignored.
 *
 * Throws RangeError when `amount` is not positive and finite (or not whole for days), when
 * `start` is invalid, when the calendar has no working periods or malformed ones, or when no
 * due date falls within about three years (a calendar without working days, say).
 */
export function dueAt(start: Date, limit: TimeLimit, cal: WorkCalendar): Date {
  const startMs = checkDate(start, 'start');
  const { amount, unit } = limit;
  if (!(Number.isFinite(amount) && amount > 0)) throw new RangeError(`time limit must be a positive finite number, got ${amount}`);
  const horizonMs = startMs + HORIZON_DAYS * DAY_MS;
  switch (unit) {
    case 'natural_hours': {
      const due = startMs + Math.round(amount * HOUR_MS);
      if (due > horizonMs) throw new RangeError(`time limit of ${amount} hours reaches beyond ${HORIZON_DAYS} days`);
      return new Date(due);
    }
    case 'hours':
      return addWorkingTime(startMs, Math.round(amount * HOUR_MS), cal);
    case 'days':
      if (!Number.isInteger(amount)) throw new RangeError(`working days must be a whole number, got ${amount}`);
      return endOfNthWorkingDay(localDayOf(startMs), amount, cal);
    default:
      throw new RangeError(`unknown time unit: ${String(unit satisfies never)}`);
  }
}

function requireWorkingTime(cal: WorkCalendar): void {
  checkPeriods(cal);
  if (cal.periods.length === 0) throw new RangeError('calendar has no working periods');
}

function addWorkingTime(startMs: number, durationMs: number, cal: WorkCalendar): Date {
  requireWorkingTime(cal);
  let remaining = durationMs;
  const firstDay = localDayOf(startMs);
  for (let day = firstDay; day <= firstDay + HORIZON_DAYS; day++) {
    if (!workingDay(day, cal)) continue;
    const midnight = midnightOf(day);
    for (const [from, to] of cal.periods) {
      const periodEnd = midnight + to * MINUTE_MS;
      const countFrom = Math.max(midnight + from * MINUTE_MS, startMs);
      if (countFrom >= periodEnd) continue;
      // `<=` so that a limit running out exactly at the period's end stops there.
      if (remaining <= periodEnd - countFrom) return new Date(countFrom + remaining);
      remaining -= periodEnd - countFrom;
    }
  }
  throw new RangeError(`no due date within ${HORIZON_DAYS} days of the start on this calendar`);
}

function endOfNthWorkingDay(startDay: number, n: number, cal: WorkCalendar): Date {
  requireWorkingTime(cal);
  const closing = cal.periods[cal.periods.length - 1][1];
  let counted = 0;
  for (let day = startDay + 1; day <= startDay + HORIZON_DAYS; day++) {
    if (workingDay(day, cal) && ++counted === n) return new Date(midnightOf(day) + closing * MINUTE_MS);
  }
  throw new RangeError(`no due date within ${HORIZON_DAYS} days of the start on this calendar`);
}

/**
 * Working minutes in [from, to) on `cal`: how much working time is left before a due date,
 * for the "yellow before due" warning. Fractional when the instants carry seconds; 0 when
 * `to` is not after `from`. The inverse of `dueAt` for hours: for any start,
 * `workingMinutesBetween(start, dueAt(start, { amount: h, unit: 'hours' }, cal), cal) === h * 60`.
 */
export function workingMinutesBetween(from: Date, to: Date, cal: WorkCalendar): number {
  const fromMs = checkDate(from, 'from');
  const toMs = checkDate(to, 'to');
  checkPeriods(cal);
  if (toMs <= fromMs) return 0;
  let totalMs = 0;
  for (let day = localDayOf(fromMs); day <= localDayOf(toMs); day++) {
    if (!workingDay(day, cal)) continue;
    const midnight = midnightOf(day);
    for (const [start, end] of cal.periods) {
      const overlap = Math.min(midnight + end * MINUTE_MS, toMs) - Math.max(midnight + start * MINUTE_MS, fromMs);
      if (overlap > 0) totalMs += overlap;
    }
  }
  return totalMs / MINUTE_MS;
}

/** Every 'YYYY-MM-DD' from `first` to `last` inclusive. */
function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = parseDayKey(first); day <= parseDayKey(last); day++) days.push(dayKey(day));
  return days;
}

/**
 * The State Council's holiday arrangements, every day off of each holiday (weekends included)
 * and the make-up working days (调休上班). Seeds the admin-editable holiday table; extend it
 * each November when the next year's notice is published.
 */
export const CHINA_PUBLIC_HOLIDAYS: { year: number; holidays: string[]; workdays: string[] }[] = [
  {
    // 国务院办公厅关于2024年部分节假日安排的通知, 国办发明电〔2023〕7号, 2023-10-25
    // (人民日报 2023-10-26 第6版). New Year's Eve of Spring Festival (02-09) is only
    // "encouraged" as a day off there, so it stays a working day.
    year: 2024,
    holidays: [
      '2024-01-01',
      ...daysFrom('2024-02-10', '2024-02-17'),
      ...daysFrom('2024-04-04', '2024-04-06'),
      ...daysFrom('2024-05-01', '2024-05-05'),
      '2024-06-10',
      ...daysFrom('2024-09-15', '2024-09-17'),
      ...daysFrom('2024-10-01', '2024-10-07'),
    ],
    workdays: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  {
    // 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 2024-11-12
    // (新华社, via gmw.cn), the first under the revised 全国年节及纪念日放假办法.
    year: 2025,
    holidays: [
      '2025-01-01',
      ...daysFrom('2025-01-28', '2025-02-04'),
      ...daysFrom('2025-04-04', '2025-04-06'),
      ...daysFrom('2025-05-01', '2025-05-05'),
      ...daysFrom('2025-05-31', '2025-06-02'),
      ...daysFrom('2025-10-01', '2025-10-08'),
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  {
    // 国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04 (新华社, via gmw.cn
    // politics.gmw.cn/2025-11/04/content_38391083.htm); its 国办发明电 number was not in the text seen.
    year: 2026,
    holidays: [
      ...daysFrom('2026-01-01', '2026-01-03'),
      ...daysFrom('2026-02-15', '2026-02-23'),
      ...daysFrom('2026-04-04', '2026-04-06'),
      ...daysFrom('2026-05-01', '2026-05-05'),
      ...daysFrom('2026-06-19', '2026-06-21'),
      ...daysFrom('2026-09-25', '2026-09-27'),
      ...daysFrom('2026-10-01', '2026-10-07'),
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
];

/**
 * A calendar with `DEFAULT_WORKING_PERIODS` and the national arrangements of
 * `CHINA_PUBLIC_HOLIDAYS`. A list given in `overrides` replaces the national one entirely
 * rather than adding to it, so the admin-edited holiday table, once loaded, is the whole truth
 * (a day it removed stays removed). Throws RangeError on a malformed day.
 */
export function defaultCalendar(overrides: { holidays?: Iterable<string>; workdays?: Iterable<string> } = {}): WorkCalendar {
  return {
    holidays: daySet(overrides.holidays ?? CHINA_PUBLIC_HOLIDAYS.flatMap((year) => year.holidays)),
    workdays: daySet(overrides.workdays ?? CHINA_PUBLIC_HOLIDAYS.flatMap((year) => year.workdays)),
    periods: DEFAULT_WORKING_PERIODS,
  };
}

/** A set of days, refusing malformed ones: '2025-10-1' would otherwise never match and be silently ignored. */
function daySet(days: Iterable<string>): ReadonlySet<string> {
  const set = new Set<string>();
  for (const day of days) set.add(dayKey(parseDayKey(day)));
  return set;
}
