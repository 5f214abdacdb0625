import { describe, expect, it } from 'vitest';
import {
  CHINA_PUBLIC_HOLIDAYS, defaultCalendar, dueAt, isWorkingDay, workingMinutesBetween,
  type TimeLimit, type TimeUnit, type WorkCalendar,
} from './calendar.js';

// Periods 08:30–12:00 and 13:30–17:30 with the national holidays of 2024–2026.
const cal = defaultCalendar();
const at = (iso: string): Date => new Date(iso);
const hours = (amount: number): TimeLimit => ({ amount, unit: 'hours' });
const days = (amount: number): TimeLimit => ({ amount, unit: 'days' });

describe('isWorkingDay', () => {
  it('counts Monday to Friday as working days and weekends as days off', () => {
    expect(isWorkingDay('2025-03-14', cal)).toBe(true); // Friday
    expect(isWorkingDay('2025-03-15', cal)).toBe(false); // Saturday
    expect(isWorkingDay('2025-03-16', cal)).toBe(false); // Sunday
  });

  it('takes a public holiday on a weekday off', () => {
    expect(isWorkingDay('2025-10-08', cal)).toBe(false); // Wednesday, National Day
  });

  it('makes a make-up weekend day a working day', () => {
    expect(isWorkingDay('2025-09-28', cal)).toBe(true); // Sunday
    expect(isWorkingDay('2025-10-11', cal)).toBe(true); // Saturday
  });

  it('refuses a day that is not YYYY-MM-DD or does not exist', () => {
    expect(() => isWorkingDay('2025-3-14', cal)).toThrow(RangeError);
    expect(() => isWorkingDay('2025-02-30', cal)).toThrow(RangeError);
  });
});

describe('dueAt in working hours', () => {
  it('takes Friday 16:00 plus 4 working hours to Monday 11:00', () => {
    // 1.5 hours on Friday, 2.5 on Monday from 08:30.
    expect(dueAt(at('2025-03-14T16:00:00+08:00'), hours(4), cal)).toEqual(at('2025-03-17T11:00:00+08:00'));
  });

  it('takes Friday 16:30 plus 4 working hours to Monday 11:30', () => {
    expect(dueAt(at('2025-03-14T16:30:00+08:00'), hours(4), cal)).toEqual(at('2025-03-17T11:30:00+08:00'));
  });

  it('starts counting a case registered at lunch when the afternoon period opens', () => {
    expect(dueAt(at('2025-03-12T12:30:00+08:00'), hours(1), cal)).toEqual(at('2025-03-12T14:30:00+08:00'));
  });

  it('starts counting a case registered before opening at 08:30', () => {
    expect(dueAt(at('2025-03-12T07:00:00+08:00'), hours(1), cal)).toEqual(at('2025-03-12T09:30:00+08:00'));
  });

  it('carries a case registered at night to the next working morning', () => {
    expect(dueAt(at('2025-03-12T22:00:00+08:00'), hours(1), cal)).toEqual(at('2025-03-13T09:30:00+08:00'));
    expect(dueAt(at('2025-03-14T23:59:00+08:00'), hours(1), cal)).toEqual(at('2025-03-17T09:30:00+08:00'));
  });

  it('returns the end of a period when the limit runs out exactly there', () => {
    expect(dueAt(at('2025-03-12T11:00:00+08:00'), hours(1), cal)).toEqual(at('2025-03-12T12:00:00+08:00'));
    expect(dueAt(at('2025-03-12T16:30:00+08:00'), hours(1), cal)).toEqual(at('2025-03-12T17:30:00+08:00'));
  });

  it('starts a case registered exactly at a period end in the next period', () => {
    expect(dueAt(at('2025-03-12T12:00:00+08:00'), hours(0.5), cal)).toEqual(at('2025-03-12T14:00:00+08:00'));
  });

  it('counts fractional hours', () => {
    expect(dueAt(at('2025-03-12T09:00:00+08:00'), hours(0.5), cal)).toEqual(at('2025-03-12T09:30:00+08:00'));
    expect(dueAt(at('2025-03-12T11:50:00+08:00'), hours(0.25), cal)).toEqual(at('2025-03-12T13:35:00+08:00'));
  });

  it('skips 2025 National Day and works the make-up Saturday 2025-10-11', () => {
    expect(dueAt(at('2025-09-30T16:00:00+08:00'), hours(4), cal)).toEqual(at('2025-10-09T11:00:00+08:00'));
    expect(dueAt(at('2025-10-10T16:00:00+08:00'), hours(4), cal)).toEqual(at('2025-10-11T11:00:00+08:00'));
  });

  it('reads the clock in China Standard Time whatever offset the start was written in', () => {
    // 08:00Z is 16:00 in Beijing.
    expect(dueAt(at('2025-03-14T08:00:00Z'), hours(4), cal)).toEqual(at('2025-03-17T11:00:00+08:00'));
  });
});

describe('dueAt in working days', () => {
  it('makes 3 working days from a Wednesday due at the close of Monday, whatever the hour', () => {
    for (const start of ['2025-03-12T00:00:00+08:00', '2025-03-12T09:00:00+08:00', '2025-03-12T23:59:59+08:00']) {
      expect(dueAt(at(start), days(3), cal)).toEqual(at('2025-03-17T17:30:00+08:00'));
    }
  });

  it('does not count a registration day that is itself a day off', () => {
    expect(dueAt(at('2025-03-15T10:00:00+08:00'), days(1), cal)).toEqual(at('2025-03-17T17:30:00+08:00'));
  });

  it('counts the make-up days around 2025 National Day, Saturday 2025-10-11 included', () => {
    expect(dueAt(at('2025-09-26T10:00:00+08:00'), days(1), cal)).toEqual(at('2025-09-28T17:30:00+08:00'));
    expect(dueAt(at('2025-09-30T10:00:00+08:00'), days(1), cal)).toEqual(at('2025-10-09T17:30:00+08:00'));
    expect(dueAt(at('2025-09-30T10:00:00+08:00'), days(3), cal)).toEqual(at('2025-10-11T17:30:00+08:00'));
    expect(dueAt(at('2025-09-30T10:00:00+08:00'), days(4), cal)).toEqual(at('2025-10-13T17:30:00+08:00'));
  });

  it('skips Spring Festival 2026 and works its make-up Saturdays', () => {
    const friday = at('2026-02-13T10:00:00+08:00');
    expect(dueAt(friday, days(1), cal)).toEqual(at('2026-02-14T17:30:00+08:00'));
    expect(dueAt(friday, days(2), cal)).toEqual(at('2026-02-24T17:30:00+08:00'));
    expect(dueAt(friday, days(5), cal)).toEqual(at('2026-02-27T17:30:00+08:00'));
    expect(dueAt(friday, days(6), cal)).toEqual(at('2026-02-28T17:30:00+08:00'));
  });

  it('counts 15 working days across a holiday', () => {
    // From Friday 2025-04-25: 04-27 (Sunday, make-up) is the 1st, 04-28 to 04-30 the 2nd to 4th,
    // May Day takes 05-01 to 05-05, then 05-06 to 05-09, 05-12 to 05-16 and 05-19, 05-20.
    expect(dueAt(at('2025-04-25T10:00:00+08:00'), days(15), cal)).toEqual(at('2025-05-20T17:30:00+08:00'));
  });
});

describe('dueAt in natural hours', () => {
  it('counts plain elapsed hours through nights and holidays', () => {
    const start = at('2025-10-01T22:00:00+08:00');
    expect(dueAt(start, { amount: 12, unit: 'natural_hours' }, cal)).toEqual(at('2025-10-02T10:00:00+08:00'));
    expect(dueAt(start, { amount: 0.5, unit: 'natural_hours' }, cal)).toEqual(at('2025-10-01T22:30:00+08:00'));
  });
});

describe('dueAt with an invalid limit', () => {
  const start = at('2025-03-12T09:00:00+08:00');
  const units: TimeUnit[] = ['hours', 'days', 'natural_hours'];

  it('refuses an amount that is not a positive finite number', () => {
    for (const unit of units) {
      for (const amount of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect(() => dueAt(start, { amount, unit }, cal)).toThrow(RangeError);
      }
    }
  });

  it('refuses a fractional number of working days', () => {
    expect(() => dueAt(start, days(1.5), cal)).toThrow(RangeError);
  });

  it('refuses a limit reaching beyond three years instead of walking on', () => {
    expect(() => dueAt(start, hours(Number.MAX_VALUE), cal)).toThrow(RangeError);
    expect(() => dueAt(start, days(1_000_000), cal)).toThrow(RangeError);
    expect(() => dueAt(start, { amount: 1_000_000, unit: 'natural_hours' }, cal)).toThrow(RangeError);
  });

  it('refuses an invalid start', () => {
    expect(() => dueAt(new Date(Number.NaN), hours(1), cal)).toThrow(RangeError);
  });
});

describe('calendars without usable working time', () => {
  const start = at('2025-03-12T09:00:00+08:00');

  it('throws on a calendar with no working periods', () => {
    const idle: WorkCalendar = { ...cal, periods: [] };
    expect(() => dueAt(start, hours(1), idle)).toThrow(RangeError);
    expect(() => dueAt(start, days(1), idle)).toThrow(RangeError);
    expect(workingMinutesBetween(start, at('2025-03-13T09:00:00+08:00'), idle)).toBe(0);
  });

  it('throws instead of looping on a calendar with no working days', () => {
    const everyDay: string[] = [];
    for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2030, 0, 1); ms += 86_400_000) everyDay.push(new Date(ms).toISOString().slice(0, 10));
    const closed = defaultCalendar({ holidays: everyDay });
    expect(() => dueAt(start, hours(1), closed)).toThrow(RangeError);
    expect(() => dueAt(start, days(1), closed)).toThrow(RangeError);
  });

  it('refuses overlapping, unordered or out-of-day periods', () => {
    for (const periods of [[[510, 720], [700, 1050]], [[810, 1050], [510, 720]], [[600, 600]], [[1000, 1500]]] as [number, number][][]) {
      expect(() => dueAt(start, hours(1), { ...cal, periods })).toThrow(RangeError);
    }
  });
});

describe('workingMinutesBetween', () => {
  it('counts a full working day as 450 minutes', () => {
    expect(workingMinutesBetween(at('2025-03-12T08:30:00+08:00'), at('2025-03-12T17:30:00+08:00'), cal)).toBe(450);
    expect(workingMinutesBetween(at('2025-03-12T00:00:00+08:00'), at('2025-03-13T00:00:00+08:00'), cal)).toBe(450);
  });

  it('leaves out lunch, nights, weekends and holidays', () => {
    expect(workingMinutesBetween(at('2025-03-12T11:00:00+08:00'), at('2025-03-12T14:00:00+08:00'), cal)).toBe(90);
    expect(workingMinutesBetween(at('2025-03-14T16:00:00+08:00'), at('2025-03-17T11:00:00+08:00'), cal)).toBe(240);
    expect(workingMinutesBetween(at('2025-09-30T08:30:00+08:00'), at('2025-10-09T08:30:00+08:00'), cal)).toBe(450);
  });

  it('undoes dueAt in working hours for starts inside and outside working time', () => {
    const starts = ['2025-03-12T07:00:00+08:00', '2025-03-12T10:17:00+08:00', '2025-03-12T12:00:00+08:00', '2025-03-14T17:45:00+08:00', '2025-09-29T15:00:00+08:00', '2026-02-13T16:20:00+08:00'];
    for (const start of starts) {
      for (const amount of [0.5, 1, 4, 7.5, 8, 24, 40]) {
        const due = dueAt(at(start), hours(amount), cal);
        expect(workingMinutesBetween(at(start), due, cal)).toBe(amount * 60);
      }
    }
  });

  it('is zero when to is not after from', () => {
    const t = at('2025-03-12T10:00:00+08:00');
    expect(workingMinutesBetween(t, t, cal)).toBe(0);
    expect(workingMinutesBetween(t, at('2025-03-11T10:00:00+08:00'), cal)).toBe(0);
  });

  it('counts seconds as fractions of a minute', () => {
    expect(workingMinutesBetween(at('2025-03-12T10:00:00+08:00'), at('2025-03-12T10:00:30+08:00'), cal)).toBe(0.5);
  });
});

describe('defaultCalendar', () => {
  it('uses the national arrangements and 08:30–12:00, 13:30–17:30', () => {
    expect(cal.holidays.has('2026-02-16')).toBe(true);
    expect(cal.workdays.has('2024-02-04')).toBe(true);
    expect(cal.periods).toEqual([[510, 720], [810, 1050]]);
  });

  it('replaces a national list with the one given', () => {
    const local = defaultCalendar({ holidays: ['2025-03-12'] });
    expect(isWorkingDay('2025-03-12', local)).toBe(false);
    expect(isWorkingDay('2025-10-08', local)).toBe(true); // no longer a holiday
    expect(isWorkingDay('2025-10-11', local)).toBe(true); // national make-up days kept
  });

  it('refuses a malformed day in an override', () => {
    expect(() => defaultCalendar({ workdays: ['2025-10-1'] })).toThrow(RangeError);
  });
});

describe('CHINA_PUBLIC_HOLIDAYS', () => {
  const weekday = (day: string): number => new Date(`${day}T00:00:00Z`).getUTCDay();

  it('covers 2024, 2025 and 2026, each day filed under its own year', () => {
    expect(CHINA_PUBLIC_HOLIDAYS.map((y) => y.year)).toEqual([2024, 2025, 2026]);
    for (const { year, holidays, workdays } of CHINA_PUBLIC_HOLIDAYS) {
      for (const day of [...holidays, ...workdays]) expect(day.startsWith(`${year}-`)).toBe(true);
    }
  });

  it('lists only weekend days as make-up working days, none of them also a holiday', () => {
    for (const { holidays, workdays } of CHINA_PUBLIC_HOLIDAYS) {
      for (const day of workdays) {
        expect([0, 6]).toContain(weekday(day));
        expect(holidays).not.toContain(day);
      }
    }
  });

  it('takes every listed day off and works every make-up day', () => {
    for (const { holidays, workdays } of CHINA_PUBLIC_HOLIDAYS) {
      for (const day of holidays) expect(isWorkingDay(day, cal)).toBe(false);
      for (const day of workdays) expect(isWorkingDay(day, cal)).toBe(true);
    }
  });

  it('gives the days off each notice announces', () => {
    const count = (year: number): number => CHINA_PUBLIC_HOLIDAYS.find((y) => y.year === year)?.holidays.length ?? 0;
    // Sums of the notices' "共N天" (one-day holidays count 1): 2024 1+8+3+5+1+3+7, 2025 1+8+3+5+3+8, 2026 3+9+3+5+3+3+7.
    expect([count(2024), count(2025), count(2026)]).toEqual([28, 28, 33]);
  });
});
