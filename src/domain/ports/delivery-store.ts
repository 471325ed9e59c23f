import type { SyncIssue } from "../mapping/sync-issue.js";
import type { BobWebhookEvent } from "../webhooks/bob-event.js";

/** SKIPPED: verified, but its employee could not be applied (its issues say why). */
export type DeliveryStatus = "ACCEPTED" | "APPLIED" | "IGNORED" | "FAILED" | "SKIPPED";

/** What applying a delivery came to: APPLIED (perhaps with a value dropped) or SKIPPED, with the issues of its employee. */
export interface DeliveryOutcome {
  readonly id: string;
  readonly status: "APPLIED" | "SKIPPED";
  readonly issues: readonly SyncIssue[];
}

export interface DeliveryRecord {
  readonly id: string;
  readonly companyId: string;
  readonly receivedAt: Date;
  readonly eventType: string;
  readonly bobEmployeeId: string | null;
  readonly employeeIds: readonly string[];
  readonly status: DeliveryStatus;
  readonly error: string | null;
  readonly issues: readonly SyncIssue[];
}

export interface DeliveryPage {
  readonly deliveries: { readonly cursor: string; readonly delivery: DeliveryRecord }[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
}

export interface DeliveryStore {
  /**
   * Stores a verified delivery and, when it has work to do, its job, in one transaction; resolves
   * only once that transaction has committed. The same body again, however long after, is not
   * stored: it is counted on the first delivery's record, answered with that record's id and
   * `duplicate`, and gets no job. Concurrent calls may share one transaction (group commit), each
   * with its own outcome.
   */
  accept(
    companyId: string,
    event: BobWebhookEvent,
    bodyHash: string,
    receivedAt: Date,
  ): Promise<{ id: string; duplicate: boolean }>;
  /** ACCEPTED deliveries of the company, oldest first. */
  pending(companyId: string, limit: number): Promise<DeliveryRecord[]>;
  /**
   * How many deliveries of the company are ACCEPTED and the newest one's sequence number: a
   * cheap signal of whether more are still arriving (the applier waits for a burst to settle).
   */
  pendingState(companyId: string): Promise<{ readonly count: number; readonly lastSeq: number }>;
  /** Companies with ACCEPTED deliveries (at start-up: their application may have died with a previous process). */
  companiesWithPending(): Promise<string[]>;
  /** Each delivery's outcome with its issues, in one statement; only deliveries still ACCEPTED. */
  markOutcomes(outcomes: readonly DeliveryOutcome[], at: Date): Promise<void>;
  markFailed(ids: readonly string[], error: string): Promise<void>;
  list(companyId: string, first: number, after: string | null): Promise<DeliveryPage>;
}
