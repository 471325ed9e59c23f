import { describe, expect, it } from "vitest";
import { ConnectThrottle } from "../../src/domain/integration/connect-throttle.js";
import { DomainError } from "../../src/domain/errors.js";

const MIN = 60_000;

/** The RATE_LIMITED error's retryAfterSeconds, or null when admitted (the attempt is then settled with `end`). */
function tryOnce(
  t: ConnectThrottle,
  company: string,
  now: number,
  end: "rejected" | "succeeded" | "abandoned" = "rejected",
): number | null {
  try {
    const attempt = t.admit(company, now);
    if (end === "rejected") attempt.rejected(now);
    else attempt[end]();
    return null;
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== "RATE_LIMITED") throw error;
    return error.details.retryAfterSeconds as number;
  }
}

describe("ConnectThrottle", () => {
  it("admits 5 failures, then locks for 1 min, doubling per further failure up to the cap", () => {
    const t = new ConnectThrottle({ maxLockMs: 4 * MIN });
    for (let i = 0; i < 5; i += 1) expect(tryOnce(t, "c", 0)).toBeNull();
    expect(tryOnce(t, "c", 0)).toBe(60);
    expect(tryOnce(t, "c", 30_000)).toBe(30);
    let now = MIN;
    for (const lock of [2, 4, 4, 4]) {
      expect(tryOnce(t, "c", now)).toBeNull();
      expect(tryOnce(t, "c", now)).toBe(lock * 60);
      now += lock * MIN;
    }
  });

  it("forgets a company 15 quiet minutes after its last failure and lock; success forgets at once", () => {
    const t = new ConnectThrottle();
    for (let i = 0; i < 5; i += 1) tryOnce(t, "c", 0);
    expect(tryOnce(t, "c", MIN + 15 * MIN - 1)).toBeNull(); // still remembered: this 6th failure locks 2 min
    expect(tryOnce(t, "c", MIN + 15 * MIN)).toBe(120);
    const later = MIN + 15 * MIN + 2 * MIN + 15 * MIN;
    for (let i = 0; i < 5; i += 1) expect(tryOnce(t, "c", later)).toBeNull();
    expect(tryOnce(t, "c", later)).toBe(60);
    expect(tryOnce(t, "c", later + MIN, "succeeded")).toBeNull();
    expect(t.size).toBe(0);
  });

  it("counts attempts in flight: no more than the remaining allowance run at once", () => {
    const t = new ConnectThrottle({ inFlightRetryAfterMs: 30_000 });
    tryOnce(t, "c", 0);
    tryOnce(t, "c", 0);
    const open = [t.admit("c", 0), t.admit("c", 0), t.admit("c", 0)];
    expect(tryOnce(t, "c", 0)).toBe(30);
    open[0]?.abandoned();
    expect(tryOnce(t, "c", 0, "abandoned")).toBeNull();
  });

  it("keeps at most maxCompanies entries, dropping the least recently failed", () => {
    const t = new ConnectThrottle({ maxCompanies: 100 });
    for (let i = 0; i < 1000; i += 1) tryOnce(t, `company-${i}`, i);
    expect(t.size).toBe(100);
    // Outcomes other than a 401/403 leave nothing behind.
    const u = new ConnectThrottle();
    for (let i = 0; i < 50; i += 1) tryOnce(u, `company-${i}`, 0, "abandoned");
    expect(u.size).toBe(0);
  });
});
