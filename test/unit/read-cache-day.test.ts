import { describe, expect, it } from "vitest";
import { todayIn } from "../../src/domain/mapping/lifecycle.js";
import { companyToday } from "../../src/graphql/read-cache.js";

describe("companyToday (the read cache's key day)", () => {
  const zones = [
    "UTC",
    "Europe/Copenhagen",
    "America/Los_Angeles",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
  ];
  // Around midnight in several zones, DST changes of 2026, and a leap day.
  const instants = [
    "2026-06-15T12:00:00Z",
    "2026-06-14T23:59:59.999Z",
    "2026-06-15T00:00:00Z",
    "2026-03-29T00:59:00Z",
    "2026-03-29T01:00:00Z",
    "2026-10-25T00:59:59Z",
    "2026-11-01T07:00:00Z",
    "2028-02-29T10:30:00Z",
    "2026-06-15T18:14:59.999Z",
    "2026-06-15T18:15:00Z",
    "2026-06-15T11:44:59Z",
    "2026-06-15T11:45:00Z",
    "2026-06-15T13:29:59Z",
    "2026-06-15T13:30:00Z",
  ];

  /** A fresh formatter per call: what todayIn's formatter per zone must keep answering. */
  const reference = (zone: string, at: Date) => {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      calendar: "gregory",
      numberingSystem: "latn",
    }).formatToParts(at);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
    return `${part("year").padStart(4, "0")}-${part("month")}-${part("day")}`;
  };

  it("is todayIn's answer for every zone and instant, also when asked again within the same minute", () => {
    for (const zone of zones) {
      for (const iso of instants) {
        const at = new Date(iso);
        expect(todayIn(zone, at), `${zone} ${iso}`).toBe(reference(zone, at));
        expect(companyToday(zone, at), `${zone} ${iso}`).toBe(todayIn(zone, at));
        expect(companyToday(zone, new Date(at.getTime() + 1)), `${zone} ${iso} +1 ms`).toBe(
          todayIn(zone, new Date(at.getTime() + 1)),
        );
      }
    }
  });

  it("follows the clock across midnight, backwards too (a test clock may move either way)", () => {
    expect(companyToday("Europe/Copenhagen", new Date("2026-06-15T21:59:00Z"))).toBe("2026-06-15");
    expect(companyToday("Europe/Copenhagen", new Date("2026-06-15T22:00:00Z"))).toBe("2026-06-16");
    expect(companyToday("Europe/Copenhagen", new Date("2026-06-15T21:59:30Z"))).toBe("2026-06-15");
  });

  it("is null for a zone Intl does not know", () => {
    expect(companyToday("Mars/Olympus_Mons", new Date())).toBeNull();
  });
});
