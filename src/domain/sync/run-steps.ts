import type { Clock } from "../ports/clock.js";
import type { ProgressBus } from "../ports/progress-bus.js";
import type { SyncRunPatch, SyncRunStore } from "../ports/sync-run-store.js";
import { progressOf, type SyncCounts, type SyncRunRecord } from "./sync-run.js";

/** A run's steps: each stored, then published as a progress event, in the order they are taken. */
export class RunSteps {
  constructor(
    private readonly deps: { readonly runs: SyncRunStore; readonly progress: ProgressBus; readonly clock: Clock },
  ) {}

  async step(runId: string, patch: SyncRunPatch): Promise<SyncRunRecord> {
    return this.publish(await this.deps.runs.update(runId, patch));
  }

  /** The DONE step (see finishPatch). */
  async finish(runId: string, counts: SyncCounts, partial: boolean, processed: number): Promise<SyncRunRecord> {
    return this.step(runId, finishPatch(counts, partial, this.deps.clock.now(), processed));
  }

  /** Publishes a step the run store has just taken. */
  async publish(run: SyncRunRecord): Promise<SyncRunRecord> {
    await this.deps.progress.publish(progressOf(run));
    // Let the subscribers' sockets be written before the next stretch of mapping or planning
    // holds the thread: otherwise the event waits behind it.
    await yieldToEventLoop();
    return run;
  }
}

/**
 * The DONE step; `processed` is the count of employees written (the run's total). PARTIAL when
 * employees were skipped or fields could not be seen: never SUCCEEDED with a problem.
 */
export function finishPatch(counts: SyncCounts, partial: boolean, now: Date, processed?: number): SyncRunPatch {
  return {
    status: partial ? "PARTIAL" : "SUCCEEDED",
    phase: "DONE",
    counts,
    finishedAt: now,
    ...(processed === undefined ? {} : { processed }),
  };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
