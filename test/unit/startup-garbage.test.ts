import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { releaseStartupGarbage } from "../../src/startup-garbage.js";

describe("releaseStartupGarbage", () => {
  it("collects what start-up left behind, at once", () => {
    let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `row ${i}` }));
    const withGarbage = process.memoryUsage().heapUsed;
    expect(garbage).toHaveLength(200_000);
    garbage = null;
    releaseStartupGarbage();
    // ~20 MB of objects: most of it is gone after the one call, without waiting for V8's own schedule.
    expect(withGarbage - process.memoryUsage().heapUsed).toBeGreaterThan(10_000_000);
  });

  it("leaves gc exposed to no context, the application's or a new one", () => {
    const before = typeof (globalThis as { gc?: unknown }).gc;
    releaseStartupGarbage();
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(before);
    expect(runInNewContext("typeof gc")).toBe("undefined");
  });
});
