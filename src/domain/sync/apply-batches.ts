import {
  historyOfCreate,
  historyOfDelete,
  historyOfUpdate,
  type HistoryContext,
  type HistoryWrite,
} from "../history/employee-history.js";
import type { BatchHistory, DirectoryBatch, DirectoryStore, SourceFingerprintEntry } from "../ports/directory-store.js";
import type { EmployeeRecord } from "../mapping/employee-record.js";

/** What a plan writes: the one apply path of full syncs, approved runs and webhook drains. */
export interface PlannedWrites {
  readonly deletes: readonly EmployeeRecord[];
  readonly updates: readonly { readonly before: EmployeeRecord; readonly after: EmployeeRecord }[];
  readonly creates: readonly EmployeeRecord[];
  /** New source fingerprints of unchanged employees: they go with the last batch. */
  readonly fingerprints: readonly SourceFingerprintEntry[];
}

/**
 * Writes a plan in batches of `batchSize` employees: deletes, then updates, then creates
 * (applyBatches); each batch stores its employees' history rows in its own transaction.
 */
export function applyPlan(
  directory: DirectoryStore,
  companyId: string,
  writes: PlannedWrites,
  options: ApplyBatchesOptions & { readonly batchSize: number; readonly history: HistoryContext },
): Promise<void> {
  const batches = batchesOf(writes.deletes, writes.updates, writes.creates, options.batchSize, writes.fingerprints);
  return applyBatches(
    withHistory(batches, options.history),
    (batch) => directory.applyBatch(companyId, batch),
    options,
  );
}

/** Each batch with the history rows of what it writes. */
function* withHistory(batches: Iterable<PlanBatch>, context: HistoryContext): Generator<DirectoryBatch> {
  const deliveryOf = context.deliveryOf ?? (() => null);
  const row = (write: HistoryWrite) => ({ ...write, deliveryId: deliveryOf(write.bobId) });
  for (const batch of batches) {
    const rows = [
      ...batch.deletes.map((r) => row(historyOfDelete(r))),
      ...batch.updates.map((u) => row(historyOfUpdate(u.before, u.after))),
      ...batch.creates.map((r) => row(historyOfCreate(r))),
    ];
    const history: BatchHistory | undefined =
      rows.length > 0 ? { cause: context.cause, at: context.at, runId: context.runId, rows } : undefined;
    yield {
      deletes: batch.deletes.map((r) => r.bobId),
      updates: batch.updates.map((u) => u.after),
      creates: batch.creates,
      ...(batch.fingerprints ? { fingerprints: batch.fingerprints } : {}),
      ...(history ? { history } : {}),
    };
  }
}

interface PlanBatch {
  readonly deletes: EmployeeRecord[];
  readonly updates: PlannedWrites["updates"][number][];
  readonly creates: EmployeeRecord[];
  readonly fingerprints?: readonly SourceFingerprintEntry[];
}

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
export async function applyBatches(
  batches: Iterable<DirectoryBatch>,
  apply: (batch: DirectoryBatch) => Promise<void>,
  options: ApplyBatchesOptions,
): Promise<void> {
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

/**
 * Consecutive slices of deletes, then updates, then creates, `size` employees each; the last one
 * carries `fingerprints` (a batch of them alone when there is nothing else to write).
 */
function* batchesOf(
  deletes: readonly EmployeeRecord[],
  updates: PlannedWrites["updates"],
  creates: readonly EmployeeRecord[],
  size: number,
  fingerprints: readonly SourceFingerprintEntry[],
): Generator<PlanBatch> {
  const total = deletes.length + updates.length + creates.length;
  let given = 0;
  let batch: PlanBatch = { deletes: [], updates: [], creates: [] };
  let filled = 0;
  const full = function* (): Generator<PlanBatch> {
    given++;
    if (++filled === size) {
      yield given === total && fingerprints.length > 0 ? { ...batch, fingerprints } : batch;
      batch = { deletes: [], updates: [], creates: [] };
      filled = 0;
    }
  };
  for (const record of deletes) {
    batch.deletes.push(record);
    yield* full();
  }
  for (const update of updates) {
    batch.updates.push(update);
    yield* full();
  }
  for (const record of creates) {
    batch.creates.push(record);
    yield* full();
  }
  if (filled > 0 || (total === 0 && fingerprints.length > 0))
    yield fingerprints.length > 0 ? { ...batch, fingerprints } : batch;
}
