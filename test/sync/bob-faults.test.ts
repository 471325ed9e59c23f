import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

/** Bob misbehaving during a full sync: the run succeeds after retries or fails clearly, and a failed fetch deletes nothing. */
describe("full sync against a faulty Bob", () => {
  let h: SyncHarness;
  const total = async () =>
    (await h.gql<{ employees: { totalCount: number } }>("{ employees { totalCount } }")).employees.totalCount;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 120, seed: 9, config: { bobSyncTimeoutMs: 2_000 } });
    expect((await h.syncAndWait()).phase).toBe("DONE");
  });
  afterAll(async () => h?.close());

  it.each([
    ["a burst of 429s", { burst429Next: 3 }],
    ["a few 5xx answers", { fail5xxNext: 2 }],
    ["a request that hangs", { hangNext: 1 }],
    ["a truncated body", { truncatedNext: 1 }],
    ["a malformed body", { malformedNext: 1 }],
  ])(
    "succeeds after retries despite %s",
    async (_what, fault) => {
      const someone = h.sim.company
        .employees()
        .find((e) => e.lifecycleStatus === "employed" && e.values["root.firstName"]) as { id: string };
      h.sim.company.updateEmployee(someone.id, { "root.surname": `Faulty${Object.keys(fault)[0]}` });
      h.sim.faults.set(fault);
      const run = await h.syncAndWait();
      h.sim.faults.reset();
      expect(run.status).toMatch(/SUCCEEDED|PARTIAL/);
      expect(run.counts.updated).toBe(1);
      expect((await h.employee(someone.id))?.lastName).toBe(`Faulty${Object.keys(fault)[0]}`);
    },
    60_000,
  );

  it.each([
    ["keeps answering 5xx", { fail5xxNext: 1_000_000 }, /503|502|500|answered/],
    ["keeps hanging", { hangNext: 1_000_000 }, /did not answer|timed out|time/i],
    ["keeps truncating its answers", { truncatedNext: 1_000_000 }, /Bob/],
  ])(
    "fails clearly and deletes nothing when Bob %s",
    async (_what, fault, message) => {
      const before = await total();
      const gone = h.sim.company
        .employees()
        .find((e) => e.lifecycleStatus === "employed" && e.values["root.firstName"]) as { id: string };
      h.sim.company.deleteEmployee(gone.id); // a complete fetch would delete this one
      h.sim.faults.set(fault);
      const run = await h.syncAndWait();
      h.sim.faults.reset();
      expect(run.status).toBe("FAILED");
      expect(run.error).toMatch(message);
      expect(await total()).toBe(before);
      expect(await h.employee(gone.id)).not.toBeNull();
      const repaired = await h.syncAndWait();
      expect(repaired.counts.deleted).toBe(1);
    },
    120_000,
  );
});
