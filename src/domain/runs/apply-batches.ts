import type { DirectoryBatch } from "../ports/directory-store.js";

export interface ApplyBatchesOptions {
  /** Batches applied at once; 1 applies them strictly one after another. */
  readonly concurrency: number;
  /** After each batch commits, with its number of employees (in the order they commit). */
  readonly onCommitted: (employees: number) => void;
}

/**
 * Applies a plan's batches, up to `concurrency` at a time, keeping the plan's order where it
 * matters: a batch overlaps only batches of its own kind (all updates, or all creates), and a
 * batch with deletes, or with more than one kind, runs alone. So every delete is done before an
 * update starts and every update before a create (an email may move from one employee to
 * another within a plan). On the first failure no further batch starts; the promise rejects with
 * that failure once every started batch has ended, so nothing is written after it is reported.
 */
export async function applyBatches(batches: Iterable<DirectoryBatch>, apply: (batch: DirectoryBatch) => Promise<void>, options: ApplyBatchesOptions): Promise<void> {
  const limit = Math.max(1, Math.floor(options.concurrency));
  const inFlight = new InFlight();
  let runningKind: BatchKind | null = null;
  try {
    for (const batch of batches) {
      const kind = kindOf(batch);
      if (kind === "MIXED" || kind !== runningKind) await inFlight.waitBelow(1);
      await inFlight.waitBelow(kind === "MIXED" ? 1 : limit);
      runningKind = kind;
      const employees = batch.deletes.length + batch.updates.length + batch.creates.length;
      inFlight.add(apply(batch).then(() => options.onCommitted(employees)));
    }
    await inFlight.waitBelow(1);
  } catch (error) {
    await inFlight.settle();
    throw error;
  }
}

type BatchKind = "UPDATES" | "CREATES" | "MIXED";

function kindOf(batch: DirectoryBatch): BatchKind {
  if (batch.deletes.length > 0) return "MIXED";
  if (batch.creates.length === 0) return "UPDATES";
  return batch.updates.length === 0 ? "CREATES" : "MIXED";
}

/** Batches being applied; the first failure is thrown by the next wait. */
class InFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { readonly error: unknown } | null = null;

  add(batch: Promise<void>): void {
    const tracked: Promise<void> = batch.then(
      () => void this.running.delete(tracked),
      (error: unknown) => {
        this.running.delete(tracked);
        this.failure ??= { error };
      },
    );
    this.running.add(tracked);
  }

  async waitBelow(limit: number): Promise<void> {
    this.throwIfFailed();
    while (this.running.size >= limit) {
      await Promise.race(this.running);
      this.throwIfFailed();
    }
  }

  /** Waits for every batch to end, failed or not. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
