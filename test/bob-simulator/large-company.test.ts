import { describe, expect, it } from "vitest";
import { post, useSimulators } from "./helpers.js";

const start = useSimulators();

describe("large company", () => {
  it("answers a 50,000-person search in one response, fast", async () => {
    const sim = await start({ employees: 50_000 });
    const t0 = performance.now();
    const res = await post(sim, "/people/search", {
      fields: ["root.id", "root.email", "work.department", "work.reportsTo", "internal.status"],
      showInactive: true,
    });
    const body = (await res.json()) as { employees: unknown[] };
    expect(res.status).toBe(200);
    expect(body.employees).toHaveLength(50_000);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
