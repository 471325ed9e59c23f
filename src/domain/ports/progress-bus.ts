import type { SyncProgressEvent } from "../sync/sync-run.js";

/**
 * Carries sync progress to every subscriber, in this process and (on PostgreSQL) in every other
 * gateway process sharing the database.
 */
export interface ProgressBus {
  publish(event: SyncProgressEvent): Promise<void>;
  /** Calls `listener` for every event of the company until the returned function is called. */
  subscribe(companyId: string, listener: (event: SyncProgressEvent) => void): () => void;
}
