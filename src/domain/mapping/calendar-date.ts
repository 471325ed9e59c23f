/**
 * Calendar dates as "YYYY-MM-DD" strings. Bob's dates and Peakon's are calendar days, not
 * instants: they are validated and compared as text and never pass through a Date object
 * (which would shift them by the machine's time zone).
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An ISO timestamp's leading date, e.g. Bob's "2022-09-16T07:47:44.938494" (no zone). */
const ISO_DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:T[\d:.]*(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export interface CalendarDateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The parts of a valid "YYYY-MM-DD" calendar date; null for anything else (e.g. "2023-02-29"). The GraphQL Date scalar uses the same rule. */
export function parseCalendarDate(text: string): CalendarDateParts | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isCalendarDate(text: string): boolean {
  return parseCalendarDate(text) !== null;
}

/**
 * The calendar date a Bob value names: "YYYY-MM-DD" as is, or the date written at the start of
 * an ISO timestamp (taken literally, not converted to another zone). Null when invalid.
 */
export function toCalendarDate(text: string): string | null {
  const match = ISO_DATE_PREFIX.exec(text.trim());
  const date = match?.[1];
  return date !== undefined && isCalendarDate(date) ? date : null;
}

export function formatCalendarDate(parts: CalendarDateParts): string {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return `${pad(parts.year, 4)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}`;
}
