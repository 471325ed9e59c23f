import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

/**
 * A resync asks Bob for everyone at once, with the fields its previous full sync asked for,
 * while the field metadata is still on its way (src/domain/sync/company-fetch.ts); when the
 * metadata calls for other fields, that answer is dropped and the search is made again.
 */
describe("the early people search of a resync", () => {
  let h: SyncHarness;
  const LATENCY = 300;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 60, seed: 9 });
  });
  afterAll(async () => h?.close());

  /** When the run's field-metadata and people-search requests reached Bob, relative to its first request. */
  const timeline = () => {
    const entries = h.sim.requests.entries;
    const start = Math.min(...entries.map((e) => e.at));
    const at = (path: string) => entries.filter((e) => e.path === path).map((e) => e.at - start);
    return { fields: at("/v1/company/people/fields"), searches: at("/v1/people/search") };
  };

  it("waits for the metadata on a company's first sync, and not on its resync; both give the same directory", async () => {
    h.sim.faults.set({ latencyMs: LATENCY });
    try {
      h.sim.requests.clear();
      const first = await h.syncAndWait();
      const cold = timeline();
      expect(cold.searches).toHaveLength(1);
      expect(cold.searches[0]).toBeGreaterThanOrEqual((cold.fields[0] as number) + LATENCY - 20);

      h.sim.requests.clear();
      const again = await h.syncAndWait();
      const warm = timeline();
      expect(warm.searches).toHaveLength(1);
      // Asked before the metadata (LATENCY ms in the making) had come back.
      expect(warm.searches[0]).toBeLessThan((warm.fields[0] as number) + LATENCY / 2);
      expect(again.counts).toMatchObject({
        created: 0,
        updated: 0,
        deleted: 0,
        unchanged: first.counts.created,
        skipped: first.counts.skipped,
      });
      expect(again.issues.map((i) => i.code).sort()).toEqual(first.issues.map((i) => i.code).sort());
    } finally {
      h.sim.faults.reset();
    }
  });

  it("drops the early answer and searches again when the metadata calls for another field, which is then synced", async () => {
    const field = h.sim.company.createField({ name: "Shoe size", type: "text" });
    await h.gql('mutation { createAttribute(input: { name: "Shoe size", type: TEXT }) { id } }');
    const someone = h.sim.company
      .employees()
      .find((e) => e.lifecycleStatus === "employed" && h.sim.company.employee(e.id))?.id as string;
    h.sim.company.updateEmployee(someone, { [field.id]: "44" });

    h.sim.requests.clear();
    const run = await h.syncAndWait();
    expect(h.sim.requests.count({ path: "/v1/people/search" })).toBe(2);
    expect(run.changes).toContainEqual(
      expect.objectContaining({ action: "UPDATE", bobEmployeeId: someone, fields: ["Shoe size"] }),
    );
    const values = (await h.employee(someone))?.attributes
      .filter((a) => a.attribute.name === "Shoe size")
      .map((a) => a.value);
    expect(values).toEqual(["44"]);

    // The next resync guesses the new field list right: one search.
    h.sim.requests.clear();
    const again = await h.syncAndWait();
    expect(h.sim.requests.count({ path: "/v1/people/search" })).toBe(1);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
  });

  it("fails a resync clearly and deletes nothing when Bob fails every call, early search included", async () => {
    const before = (await h.gql<{ employees: { totalCount: number } }>("{ employees { totalCount } }")).employees
      .totalCount;
    h.sim.faults.set({ fail5xxNext: 1_000 });
    try {
      const run = await h.syncAndWait();
      expect(run.status).toBe("FAILED");
      expect(run.error).toMatch(/Bob/);
    } finally {
      h.sim.faults.reset();
    }
    expect(
      (await h.gql<{ employees: { totalCount: number } }>("{ employees { totalCount } }")).employees.totalCount,
    ).toBe(before);
  });
});
