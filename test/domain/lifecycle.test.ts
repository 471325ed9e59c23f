import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveLifecycle, ianaTimeZone, todayIn, wholeMonthsBetween } from "../../src/domain/mapping/index.js";

const on = (today: string, startDate: string | null, separationDate: string | null = null) =>
  deriveLifecycle({ startDate, separationDate }, today);

describe("deriveLifecycle: future hires", () => {
  it("is PRE_HIRE and not surveyable until the start date", () => {
    expect(on("2025-03-09", "2025-03-10")).toEqual({ lifecycle: "PRE_HIRE", surveyable: false, tenureMonths: null });
  });

  it("is ACTIVE and surveyable on the start date itself", () => {
    expect(on("2025-03-10", "2025-03-10")).toEqual({ lifecycle: "ACTIVE", surveyable: true, tenureMonths: 0 });
  });

  it("is ACTIVE and surveyable without any start date, with no tenure", () => {
    expect(on("2025-03-10", null)).toEqual({ lifecycle: "ACTIVE", surveyable: true, tenureMonths: null });
  });

  it("stays a future hire when a separation date is already planned after the start", () => {
    expect(on("2025-03-01", "2025-04-01", "2025-09-30")).toMatchObject({ lifecycle: "PRE_HIRE", surveyable: false });
  });

  it("is LEFT when the hire was cancelled (separation passed before the start date)", () => {
    expect(on("2025-03-05", "2025-04-01", "2025-03-01")).toMatchObject({
      lifecycle: "LEFT",
      surveyable: false,
      tenureMonths: null,
    });
  });
});

describe("deriveLifecycle: leavers", () => {
  const start = "2020-01-15";
  it("is LEAVING and surveyable the day before the separation date", () => {
    expect(on("2025-06-29", start, "2025-06-30")).toMatchObject({ lifecycle: "LEAVING", surveyable: true });
  });

  it("is LEAVING and still surveyable on the separation date (the last day of employment)", () => {
    // The rule changed by spec: surveyable while separation date >= today (it used to stop on the day).
    expect(on("2025-06-30", start, "2025-06-30")).toMatchObject({ lifecycle: "LEAVING", surveyable: true });
  });

  it("is LEFT and not surveyable the day after", () => {
    expect(on("2025-07-01", start, "2025-06-30")).toMatchObject({ lifecycle: "LEFT", surveyable: false });
  });

  it("keeps counting tenure while leaving and after leaving", () => {
    expect(on("2025-07-15", start, "2025-06-30").tenureMonths).toBe(66);
  });

  it("is ACTIVE and surveyable again once the separation is cleared (reinstated)", () => {
    expect(on("2025-07-01", start, null)).toMatchObject({ lifecycle: "ACTIVE", surveyable: true });
  });

  it("property: surveyable exactly when ACTIVE or LEAVING, i.e. started and separation date (if any) >= today", () => {
    const day = fc.constantFrom("2024-02-28", "2024-02-29", "2024-03-01", "2024-12-31", "2025-01-01");
    fc.assert(
      fc.property(
        fc.option(day, { nil: null }),
        fc.option(day, { nil: null }),
        day,
        (startDate, separationDate, today) => {
          const state = on(today, startDate, separationDate);
          const started = startDate === null || startDate <= today;
          expect(state.surveyable).toBe(started && (separationDate === null || separationDate >= today));
          expect(state.surveyable).toBe(state.lifecycle === "ACTIVE" || state.lifecycle === "LEAVING");
          expect(state.lifecycle === "LEFT").toBe(separationDate !== null && separationDate < today);
        },
      ),
      { numRuns: 300, seed: 20261205 },
    );
  });
});

describe("tenure in whole months", () => {
  it.each([
    ["2024-01-15", "2024-01-15", 0],
    ["2024-01-15", "2024-02-14", 0],
    ["2024-01-15", "2024-02-15", 1],
    ["2023-12-31", "2024-01-30", 0],
    ["2023-12-31", "2024-01-31", 1],
    // A month is complete on the last day of a shorter month.
    ["2023-01-31", "2023-02-27", 0],
    ["2023-01-31", "2023-02-28", 1],
    ["2024-01-31", "2024-02-28", 0],
    ["2024-01-31", "2024-02-29", 1],
    ["2023-01-31", "2023-03-30", 1],
    ["2023-01-31", "2023-03-31", 2],
    ["2023-03-31", "2023-04-30", 1],
    // Leap days.
    ["2024-02-29", "2025-02-27", 11],
    ["2024-02-29", "2025-02-28", 12],
    ["2024-02-29", "2028-02-28", 47],
    ["2024-02-29", "2028-02-29", 48],
    ["2024-02-29", "2024-03-28", 0],
    ["2024-02-29", "2024-03-29", 1],
    ["2020-06-10", "2025-06-10", 60],
  ])("from %s to %s: %i", (from, to, months) => {
    expect(wholeMonthsBetween(from, to)).toBe(months);
    expect(on(to, from).tenureMonths).toBe(months);
  });

  it("is null before the start date", () => {
    expect(on("2024-01-14", "2024-01-15").tenureMonths).toBeNull();
  });
});

describe("todayIn: the company's calendar day", () => {
  const instant = new Date("2025-03-10T23:30:00Z");
  it.each([
    ["UTC", "2025-03-10"],
    ["Europe/Copenhagen", "2025-03-11"],
    ["America/Los_Angeles", "2025-03-10"],
    ["Pacific/Kiritimati", "2025-03-11"],
    ["Asia/Kolkata", "2025-03-11"],
  ])("at 2025-03-10T23:30Z in %s it is %s", (zone, day) => {
    expect(todayIn(zone, instant)).toBe(day);
  });

  it("crosses year ends and leap days by zone", () => {
    expect(todayIn("Pacific/Pago_Pago", new Date("2025-01-01T05:00:00Z"))).toBe("2024-12-31");
    expect(todayIn("Asia/Tokyo", new Date("2024-02-28T15:00:00Z"))).toBe("2024-02-29");
    expect(todayIn("America/New_York", new Date("2024-03-01T04:59:59Z"))).toBe("2024-02-29");
  });

  it("turns a leaver LEFT at midnight company time, not server time", () => {
    const justAfterMidnightInTokyo = new Date("2025-06-30T15:00:00Z");
    expect(on(todayIn("Asia/Tokyo", justAfterMidnightInTokyo), "2020-01-01", "2025-06-30").lifecycle).toBe("LEFT");
    expect(on(todayIn("UTC", justAfterMidnightInTokyo), "2020-01-01", "2025-06-30").lifecycle).toBe("LEAVING");
  });

  it("throws for an unknown time zone", () => {
    expect(() => todayIn("Mars/Olympus", instant)).toThrow(RangeError);
  });
});

describe("ianaTimeZone: what updateSyncSettings accepts as the company's time zone", () => {
  const instant = new Date("2025-03-10T23:30:00Z");
  it.each([
    ["UTC", "UTC"],
    ["Europe/Copenhagen", "Europe/Copenhagen"],
    ["europe/copenhagen", "Europe/Copenhagen"],
    ["Pacific/Kiritimati", "Pacific/Kiritimati"],
    ["America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"],
    ["Etc/GMT+5", "Etc/GMT+5"],
  ])("accepts %s as %s", (given, stored) => {
    expect(ianaTimeZone(given)).toBe(stored);
    expect(() => todayIn(stored, instant)).not.toThrow();
  });

  it.each([
    "",
    " ",
    "Mars/Olympus",
    "Europe/Copenhagen ",
    " UTC",
    "+05:00",
    "-03:30",
    "Z",
    "UTC\u0000",
    "Europe//Paris",
    "Europe/",
    `Europe/${"x".repeat(60)}`,
  ])("refuses %j", (given) => {
    expect(ianaTimeZone(given)).toBeNull();
  });
});
