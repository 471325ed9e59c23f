import type { Clock } from "../ports/clock.js";
import type { RetentionStore } from "../ports/retention-store.js";

export const DEFAULT_RETENTION_DAYS = 90;
/** Rows per statement: each delete is short, so it never holds locks (or PGlite's one connection) for long. */
export const RETENTION_BATCH_ROWS = 5_000;

export interface RetentionReport {
  readonly olderThan: Date;
  /** Rows deleted per target (e.g. { sync_issue: 120, sync_run: 3 }). */
  readonly deleted: Readonly<Record<string, number>>;
}

/**
 * Personal data (runs with their issues and changes, deliveries, employee history) is kept
 * RETENTION_DAYS and then deleted: daily by a pg-boss job (jobs/job-queue.ts) and once after
 * start. Batches of `batchRows` are deleted until a batch comes back short, so a backlog of
 * millions of rows is worked off in many small statements, never one huge one.
 */
export class RetentionService {
  constructor(
    private readonly store: RetentionStore,
    private readonly clock: Clock,
    private readonly days: number = DEFAULT_RETENTION_DAYS,
    private readonly batchRows: number = RETENTION_BATCH_ROWS,
  ) {
    if (!Number.isInteger(days) || days < 1) throw new Error("retention days must be a positive whole number");
    if (!Number.isInteger(batchRows) || batchRows < 1)
      throw new Error("retention batch size must be a positive whole number");
  }

  async purge(): Promise<RetentionReport> {
    const olderThan = new Date(this.clock.now().getTime() - this.days * 86_400_000);
    const deleted: Record<string, number> = {};
    for (const target of this.store.targets) {
      let total = 0;
      for (;;) {
        const n = await this.store.deleteExpired(target, olderThan, this.batchRows);
        total += n;
        if (n < this.batchRows) break;
        // Lets requests waiting on the same connection (PGlite has one) in between batches.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      deleted[target] = total;
    }
    return { olderThan, deleted };
  }
}
