import type { EmployeeRecord } from "../mapping/employee-record.js";
import type { EmployeeChange } from "../mapping/plan.js";
import type { SyncIssue } from "../mapping/sync-issue.js";

export type SyncTrigger = "MANUAL" | "SCHEDULED";
export type SyncRunStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "PARTIAL" | "FAILED" | "HELD";
export type SyncPhase = "QUEUED" | "FETCHING" | "PLANNING" | "APPLYING" | "DONE";

export interface SyncCounts {
  readonly fetched: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly skipped: number;
  /** Employees the run changed although real-time updates were on when it started (0 otherwise). */
  readonly driftRepaired: number;
}

export const ZERO_COUNTS: SyncCounts = {
  fetched: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  unchanged: 0,
  skipped: 0,
  driftRepaired: 0,
};

export interface SyncRunRecord {
  readonly id: string;
  readonly companyId: string;
  readonly trigger: SyncTrigger;
  readonly dryRun: boolean;
  readonly status: SyncRunStatus;
  readonly phase: SyncPhase;
  readonly queuedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly counts: SyncCounts;
  /** Employees applied so far (while APPLYING), and how many there are to apply. */
  readonly processed: number;
  readonly total: number | null;
  readonly error: string | null;
}

/** A run's state as a progress event (the contract's SyncProgress), plus whose it is. */
export interface SyncProgressEvent {
  readonly companyId: string;
  readonly runId: string;
  readonly status: SyncRunStatus;
  readonly phase: SyncPhase;
  readonly processed: number;
  readonly total: number | null;
  readonly counts: SyncCounts;
}

export function progressOf(run: SyncRunRecord): SyncProgressEvent {
  return {
    companyId: run.companyId,
    runId: run.id,
    status: run.status,
    phase: run.phase,
    processed: run.processed,
    total: run.total,
    counts: run.counts,
  };
}

export const ACTIVE_STATUSES: readonly SyncRunStatus[] = ["QUEUED", "RUNNING"];

/** What a HELD run keeps so that approving it applies exactly what the admin saw. */
export interface HeldPlan {
  readonly creates: EmployeeRecord[];
  readonly updates: { before: EmployeeRecord; after: EmployeeRecord; fields: string[] }[];
  readonly deletes: EmployeeRecord[];
}

export interface RunOutcome {
  readonly issues: readonly SyncIssue[];
  readonly changes: readonly EmployeeChange[];
}
