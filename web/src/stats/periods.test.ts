import { describe, expect, it } from 'vitest';
import { addDays, cstToday, daysOf, isDay, lastDays, periodOf } from './periods';

// 2026-03-31T17:30Z is already 1 April in China.
const LATE_MARCH_UTC = new Date('2026-03-31T17:30:00Z');

describe('periods in China Standard Time', () => {
  it('takes today from the city clock, not the browser\'s', () => {
    expect(cstToday(LATE_MARCH_UTC)).toBe('2026-04-01');
    expect(cstToday(new Date('2026-03-31T15:59:59Z'))).toBe('2026-03-31');
  });

  it('gives this month, last month and this year as half-open periods', () => {
    expect(periodOf('thisMonth', LATE_MARCH_UTC)).toEqual({ from: '2026-04-01T00:00:00+08:00', to: '2026-05-01T00:00:00+08:00' });
    expect(periodOf('lastMonth', LATE_MARCH_UTC)).toEqual({ from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' });
    expect(periodOf('thisYear', LATE_MARCH_UTC)).toEqual({ from: '2026-01-01T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' });
  });

  it('crosses the year at its ends', () => {
    const january = new Date('2026-01-10T00:00:00Z');
    expect(periodOf('lastMonth', january)).toEqual({ from: '2025-12-01T00:00:00+08:00', to: '2026-01-01T00:00:00+08:00' });
    const december = new Date('2026-12-10T00:00:00Z');
    expect(periodOf('thisMonth', december).to).toBe('2027-01-01T00:00:00+08:00');
  });

  it('makes a custom span of whole days, the last included', () => {
    expect(periodOf('custom', LATE_MARCH_UTC, { first: '2026-02-27', last: '2026-02-28' })).toEqual({ from: '2026-02-27T00:00:00+08:00', to: '2026-03-01T00:00:00+08:00' });
    expect(() => periodOf('custom', LATE_MARCH_UTC, { first: '2026-03-02', last: '2026-03-01' })).toThrow(RangeError);
    expect(() => periodOf('custom', LATE_MARCH_UTC, { first: '2026-02-30', last: '2026-03-01' })).toThrow(RangeError);
  });

  it('reads a period back as its first and last day', () => {
    expect(daysOf(periodOf('lastMonth', LATE_MARCH_UTC))).toEqual({ first: '2026-03-01', last: '2026-03-31' });
  });

  it('counts the last days up to today for the daily series', () => {
    expect(lastDays(30, LATE_MARCH_UTC)).toEqual({ from: '2026-03-03', to: '2026-04-02' });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-2-1')).toBe(false);
  });
});
