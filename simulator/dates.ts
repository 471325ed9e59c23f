/**
 * Calendar-date helpers on "YYYY-MM-DD" strings. Everything is UTC so a date never shifts by
 * the host's time zone (Bob dates are calendar dates).
 */
const DAY_MS = 86_400_000;

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(s: unknown): s is string {
  return typeof s === "string" && DATE_RE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

export function realToday(): string {
  return new Date().toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Bob's human-readable date style (the calling user's format; we use DD/MM/YYYY). */
export function humanDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${d}/${m}/${y}`;
}

/** Bob timestamps: ISO-8601 with microseconds and no zone suffix, e.g. 2025-01-08T13:06:26.915906. */
export function bobTimestamp(ms: number, micros = 0): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros % 1000).padStart(3, "0")}`;
}
