import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deferred, within } from "../support/deferred.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

/**
 * A resync's fetch begins when synchronizeNow is called, before the run is picked up and holds
 * the company lock (FullSyncRunner.prefetch). The run uses it only if nothing was written to the
 * directory in between; otherwise it asks Bob again. The test holds the company lock itself, so
 * the run waits while the prefetched search is answered.
 */
describe("a resync's fetch begun when it is requested", () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 40, seed: 11 });
    await h.syncAndWait(); // a resync can guess its field list from this one
  });
  afterAll(async () => h?.close());

  const searches = () => h.sim.requests.count({ path: "/v1/people/search" });

  /** Resolves once the simulator has answered a people search. */
  function searchAnswered(): Promise<void> {
    const seen = deferred();
    const log = h.sim.requests as unknown as { add(e: { path: string }): void };
    const add = log.add.bind(log);
    log.add = (e) => {
      add(e);
      if (e.path === "/v1/people/search") seen.resolve();
    };
    return within(seen.promise, 30_000, "the prefetched people search").finally(() => {
      log.add = add;
    });
  }

  /** synchronizeNow while the test holds the company lock; `meanwhile` runs once the prefetched search is answered. */
  async function resyncHeldBack(meanwhile: () => Promise<void>) {
    h.sim.requests.clear();
    const answered = searchAnswered();
    const release = deferred();
    const holding = h.gw.gateway.lock.withLock(h.companyId, () => release.promise);
    try {
      const run = await h.synchronize();
      await answered;
      expect(searches()).toBe(1);
      await meanwhile();
      release.resolve();
      await holding;
      return await h.waitForRun(run.id);
    } finally {
      release.resolve();
    }
  }

  it("is the run's fetch when nothing was written in between: one people search in all", async () => {
    const run = await resyncHeldBack(async () => undefined);
    expect(run.status).toMatch(/^(SUCCEEDED|PARTIAL)$/);
    expect(run.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(searches()).toBe(1);
  });

  it("is dropped when a write reached the directory in between, and the run reads Bob as it is now", async () => {
    const someone = h.sim.company
      .employees()
      .find((e) => e.lifecycleStatus === "employed" && h.sim.company.employee(e.id))?.id as string;
    const run = await resyncHeldBack(async () => {
      // Another writer (as a webhook application would be) commits while the run waits for the lock,
      // and Bob changes after the prefetched answer was made.
      await h.gw.gateway.db
        .em()
        .execute("update employee set first_name = 'Written meanwhile' where company_id = ? and bob_id = ?", [
          h.companyId,
          someone,
        ]);
      h.sim.company.updateEmployee(someone, { "root.surname": "Changed-after-the-prefetch" });
    });
    expect(run.status).toMatch(/^(SUCCEEDED|PARTIAL)$/);
    expect(searches()).toBe(2);
    const employee = await h.employee(someone);
    expect(employee?.lastName).toBe("Changed-after-the-prefetch");
    expect(employee?.firstName).not.toBe("Written meanwhile");
  });
});
