import { describe, expect, it } from "vitest";
import type { DirectoryBatch, DirectoryStore } from "../../src/domain/ports/directory-store.js";
import type { SyncRunPatch } from "../../src/domain/ports/sync-run-store.js";
import { RunApplier } from "../../src/domain/sync/run-applier.js";
import type { RunSteps } from "../../src/domain/sync/run-steps.js";
import type { SyncRunRecord } from "../../src/domain/sync/sync-run.js";
import { deferred, type Deferred } from "../support/deferred.js";
import { employee } from "./fixtures.js";

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe("RunApplier progress", () => {
  it("keeps progress events at most the bound apart when a small last batch commits before a full one", async () => {
    const pending: Deferred<void>[] = [];
    const directory = {
      applyBatch: (_companyId: string, _batch: DirectoryBatch) => {
        const done = deferred<void>();
        pending.push(done);
        return done.promise;
      },
    } as unknown as DirectoryStore;
    const processed: number[] = [];
    const run = { id: "run-1", companyId: "acme" } as SyncRunRecord;
    const steps = {
      step: async (_id: string, patch: SyncRunPatch) => {
        processed.push(patch.processed as number);
        return run;
      },
    } as unknown as RunSteps;
    const applier = new RunApplier(
      { directory, steps, clock: { now: () => new Date() } },
      { batchSize: 1000, concurrency: 2, progressEveryMs: 1e9, progressEveryEmployees: 1000 },
    );
    const creates = Array.from({ length: 2498 }, (_, i) => employee(String(i)));
    const applied = applier.apply(run, { deletes: [], updates: [], creates }, "FULL_SYNC");
    await settle();
    pending[0]?.resolve(); // 1,000
    await settle();
    pending[2]?.resolve(); // the last 498, before the second full batch
    await settle();
    pending[1]?.resolve(); // 2,498: the run's DONE step follows
    await applied;
    const seen = [0, ...processed, 2498];
    for (let i = 1; i < seen.length; i++)
      expect((seen[i] as number) - (seen[i - 1] as number)).toBeLessThanOrEqual(1000);
    expect(processed).toEqual([1000, 1498]);
  });
});
