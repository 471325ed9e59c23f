import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCalendarDate, parseCalendarDate } from "../../src/domain/mapping/calendar-date.js";
import { CalendarDateScalar } from "../../src/graphql/scalars.js";

/** An independent oracle: the text's shape by regular expression, the day's existence by a UTC Date. */
function oracle(text: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
    ? { year, month, day }
    : null;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
/** Date-shaped text, valid or not: years 0-9999, months 0-13, days 0-32, sometimes a stray character. */
const dateLike = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.option(fc.tuple(fc.nat(9), fc.constantFrom("x", "/", " ", "1", "-", "٣", "")), { freq: 4 }),
  )
  .map(([y, m, d, stray]) => {
    const text = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
    if (!stray) return text;
    const [at, c] = stray;
    return text.slice(0, at) + c + text.slice(at + 1);
  });

describe("calendar dates", () => {
  it("accepts exactly the existing days written YYYY-MM-DD, and parses them to the same parts", () => {
    fc.assert(
      fc.property(fc.oneof(dateLike, fc.string({ maxLength: 12 })), (text) => {
        expect(isCalendarDate(text)).toBe(oracle(text) !== null);
        expect(parseCalendarDate(text)).toEqual(oracle(text));
      }),
      { numRuns: 5000 },
    );
  });

  it("knows leap days and month ends", () => {
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2023-02-29")).toBe(false);
    expect(isCalendarDate("2000-02-29")).toBe(true);
    expect(isCalendarDate("1900-02-29")).toBe(false);
    expect(isCalendarDate("2025-04-31")).toBe(false);
    expect(isCalendarDate("2025-12-31")).toBe(true);
    expect(isCalendarDate("2025-1-31")).toBe(false);
    expect(isCalendarDate("2025-01-31T00:00:00")).toBe(false);
  });
});

describe("the GraphQL Date scalar follows the same rule", () => {
  it("takes and gives exactly the calendar dates, early years included", () => {
    for (const text of ["2024-02-29", "0001-01-01", "0099-12-31", "9999-12-31"]) {
      expect(CalendarDateScalar.parseValue(text)).toBe(text);
      expect(CalendarDateScalar.serialize(text)).toBe(text);
    }
    for (const text of ["2023-02-29", "2025-04-31", "2025-1-31", "2025-01-31T00:00:00", ""]) {
      expect(() => CalendarDateScalar.parseValue(text)).toThrow(/not a calendar date/);
      expect(() => CalendarDateScalar.serialize(text)).toThrow(/not a calendar date/);
    }
    expect(() => CalendarDateScalar.parseValue(20250101)).toThrow(/must be a string/);
  });
});
