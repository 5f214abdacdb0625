import i18n from './index';

/** Times are shown in the city's zone, whatever the browser's. */
const TIME_ZONE = 'Asia/Shanghai';

function locale(): string {
  return i18n.language || 'zh-CN';
}

function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

/** 2026/3/1 14:05 (zh-CN) or 1 Mar 2026, 14:05 (en), with the seconds when asked. Null or undefined give '—'. */
export function formatDateTime(value: string | number | Date | null | undefined, { seconds = false } = {}): string {
  if (value === null || value === undefined) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: seconds ? 'medium' : 'short', timeZone: TIME_ZONE, hour12: false }).format(toDate(value));
}

/** The date alone, in the city's zone. */
export function formatDate(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: TIME_ZONE }).format(toDate(value));
}

/** 12,345 or 12,345.6 with the locale's separators. */
export function formatNumber(value: number | null | undefined, maximumFractionDigits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits }).format(value);
}

/** A rate from the server (a fraction, 0.7143) as 71.4%; a rate over nothing (null) as '—'. */
export function formatPercent(rate: number | null | undefined, maximumFractionDigits = 1): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits }).format(rate);
}

/** "3 hours ago", "in 2 days": for deadlines and recent activity. */
export function formatRelative(value: string | number | Date, now: Date = new Date()): string {
  const seconds = (toDate(value).getTime() - now.getTime()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [['day', 86400], ['hour', 3600], ['minute', 60]];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(Math.round(seconds), 'second');
}
