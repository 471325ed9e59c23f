import type { ChangeCause } from "../history/employee-history.js";
import type { Clock } from "../ports/clock.js";
import type { DirectoryStore, SourceFingerprintEntry } from "../ports/directory-store.js";
import type { SyncPlan } from "../mapping/plan.js";
import { applyPlan } from "./apply-batches.js";
import type { RunSteps } from "./run-steps.js";
import type { SyncRunRecord } from "./sync-run.js";

export interface RunApplierOptions {
  /** Employees per applying transaction. */
  readonly batchSize: number;
  /** Transactions applied at once (see applyBatches). */
  readonly concurrency: number;
  /** At least one progress event this often while applying. */
  readonly progressEveryMs: number;
  readonly progressEveryEmployees: number;
}

/**
 * A run's APPLYING step: the plan written through the one apply path (applyPlan), with progress
 * steps at least every N employees or M ms.
 */
export class RunApplier {
  constructor(
    private readonly deps: { readonly directory: DirectoryStore; readonly steps: RunSteps; readonly clock: Clock },
    private readonly options: RunApplierOptions,
  ) {}

  /** Batched transactions: deletes, then updates, then creates. `run` is at its APPLYING step. */
  async apply(
    run: SyncRunRecord,
    plan: Pick<SyncPlan, "creates" | "updates" | "deletes">,
    cause: ChangeCause,
    fingerprints: readonly SourceFingerprintEntry[] = [],
  ): Promise<void> {
    const total = plan.deletes.length + plan.updates.length + plan.creates.length;
    // Progress steps run one after another, each beside the batches rather than between them:
    // the events keep their order and the batches do not wait for them.
    let progress: Promise<SyncRunRecord> = Promise.resolve(run);
    let lastEventAt = Date.now();
    let lastEventProcessed = 0;
    let processed = 0;
    const committed = (size: number) => {
      processed += size;
      // Batches may commit out of order (a small last batch before a full one), so an event is
      // due once the next commit, up to a batch, could take the gap past the bound.
      const due =
        processed - lastEventProcessed + this.options.batchSize > this.options.progressEveryEmployees ||
        Date.now() - lastEventAt >= this.options.progressEveryMs;
      if (due && processed < total) {
        const at = processed;
        progress = progress.then(() => this.deps.steps.step(run.id, { processed: at }));
        progress.catch(() => undefined); // awaited below; a failure surfaces there
        lastEventAt = Date.now();
        lastEventProcessed = processed;
      }
    };
    try {
      await applyPlan(
        this.deps.directory,
        run.companyId,
        { deletes: plan.deletes, updates: plan.updates, creates: plan.creates, fingerprints },
        {
          history: { cause, at: this.deps.clock.now(), runId: run.id },
          batchSize: this.options.batchSize,
          concurrency: this.options.concurrency,
          onCommitted: committed,
        },
      );
    } catch (error) {
      // applyBatches has let every started batch end: no progress event may follow the failure's.
      await progress.catch(() => undefined);
      throw error;
    }
    await progress; // the run's last step (DONE) sets processed to the total
  }
}
