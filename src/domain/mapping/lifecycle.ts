import { daysInMonth, isCalendarDate, parseCalendarDate } from "./calendar-date.js";

export type Lifecycle = "PRE_HIRE" | "ACTIVE" | "LEAVING" | "LEFT";

export interface LifecycleState {
  readonly lifecycle: Lifecycle;
  /** Started (or no start date) and not yet separated (no separation date, or it is today or later). */
  readonly surveyable: boolean;
  /** Whole months from the start date to today; null without a start date or before it. */
  readonly tenureMonths: number | null;
}

/**
 * Where an employee stands on `today` (the company's calendar day, YYYY-MM-DD). All dates are
 * compared as calendar days; ISO date strings order correctly as text.
 *
 * The separation date is the last day of employment: on it an employee is LEAVING and still
 * surveyable (surveyable = started and (no separation date, or separation date >= today)); the
 * day after, LEFT and no longer surveyable. Someone who has left is LEFT even if a start date
 * lies ahead (cancelled hire); otherwise a future start makes a PRE_HIRE, even with a separation
 * date already planned. The directory's SQL filter by lifecycle (persistence/stores/
 * directory-store.ts, LIFECYCLE_SQL) is this same rule; test/persistence/lifecycle-sql.test.ts
 * holds the two together.
 */
export function deriveLifecycle(
  record: { readonly startDate: string | null; readonly separationDate: string | null },
  today: string,
): LifecycleState {
  return {
    lifecycle: lifecycleOf(record, today),
    surveyable: isSurveyable(record, today),
    tenureMonths: tenureMonthsOf(record, today),
  };
}

/** deriveLifecycle's `lifecycle` alone (a directory page asks each field of every employee). */
export function lifecycleOf(
  record: { readonly startDate: string | null; readonly separationDate: string | null },
  today: string,
): Lifecycle {
  return lifecycleOn(record.startDate, record.separationDate, today);
}

/** deriveLifecycle's `tenureMonths` alone. */
export function tenureMonthsOf(record: { readonly startDate: string | null }, today: string): number | null {
  const { startDate } = record;
  return startDate !== null && startDate <= today && isCalendarDate(startDate) && isCalendarDate(today)
    ? wholeMonthsBetween(startDate, today)
    : null;
}

/**
 * deriveLifecycle's `surveyable` alone: started and not separated on `today`. For callers that
 * ask it of a whole directory or plan (survey population and impact) without the tenure's date arithmetic.
 */
export function isSurveyable(
  record: { readonly startDate: string | null; readonly separationDate: string | null },
  today: string,
): boolean {
  const { startDate, separationDate } = record;
  return (startDate === null || startDate <= today) && !(separationDate !== null && separationDate < today);
}

function lifecycleOn(startDate: string | null, separationDate: string | null, today: string): Lifecycle {
  if (separationDate !== null && separationDate < today) return "LEFT";
  if (startDate !== null && startDate > today) return "PRE_HIRE";
  if (separationDate !== null) return "LEAVING";
  return "ACTIVE";
}

/**
 * Whole months from `from` to `to` (from <= to). A month is complete on the same day of a later
 * month, or on that month's last day when it is shorter (Jan 31 -> Feb 28 is one month; a Feb 29
 * start completes its years on Feb 28 of common years).
 */
export function wholeMonthsBetween(from: string, to: string): number {
  const start = parseCalendarDate(from);
  const end = parseCalendarDate(to);
  if (start === null || end === null) throw new RangeError(`Not calendar dates: ${from}, ${to}`);
  const months = (end.year - start.year) * 12 + (end.month - start.month);
  const anniversaryDay = Math.min(start.day, daysInMonth(end.year, end.month));
  return end.day >= anniversaryDay ? months : months - 1;
}

/**
 * The calendar day (YYYY-MM-DD) it is at `now` in `timeZone` (an IANA name such as
 * "Europe/Copenhagen"): "today" for lifecycle purposes is the company's day, not the server's.
 * Throws RangeError for an unknown time zone. One formatter per time zone: building one costs
 * far more than using it, and every uncached directory request asks.
 */
export function todayIn(timeZone: string, now: Date): string {
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      calendar: "gregory",
      numberingSystem: "latn",
    });
    if (dayFormats.size >= 1_000) dayFormats.clear(); // bounded: time zones come from company settings
    dayFormats.set(timeZone, format);
  }
  let year = "";
  let month = "";
  let day = "";
  for (const part of format.formatToParts(now)) {
    if (part.type === "year") year = part.value;
    else if (part.type === "month") month = part.value;
    else if (part.type === "day") day = part.value;
  }
  return `${year.padStart(4, "0")}-${month}-${day}`;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** At most this many characters (the company row's column). */
export const MAX_TIME_ZONE_LENGTH = 64;
/** An IANA name's shape ("UTC", "Europe/Copenhagen", "Etc/GMT+5"): not an offset such as "+05:00", which Intl also takes. */
const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * `text` as a time zone the company's "today" can follow: an IANA zone Intl knows, spelled as
 * Intl spells it when only the letter case differs ("europe/copenhagen" -> "Europe/Copenhagen"),
 * else as given (an alias such as "Europe/Kyiv" stays as the admin wrote it). Null for anything
 * else: empty, longer than MAX_TIME_ZONE_LENGTH, an offset, or a name Intl does not know.
 */
export function ianaTimeZone(text: string): string | null {
  if (text.length === 0 || text.length > MAX_TIME_ZONE_LENGTH || !TIME_ZONE_NAME.test(text)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return null; // RangeError: not a time zone Intl knows
  }
  return resolved.toLowerCase() === text.toLowerCase() ? resolved : text;
}
