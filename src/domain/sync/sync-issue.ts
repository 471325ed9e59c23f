/** Per-employee problems a sync reports (the contract's SyncIssue). One never stops the others. */
export type SyncIssueCode =
  | "MISSING_NAME"
  | "DUPLICATE_EMAIL"
  | "MANAGER_NOT_FOUND"
  | "REPORTING_CYCLE"
  | "VALUE_REJECTED"
  | "INVALID_RECORD";

export interface SyncIssue {
  readonly bobEmployeeId: string | null;
  readonly email: string | null;
  readonly code: SyncIssueCode;
  readonly message: string;
}

/**
 * Codes that mean the whole record was skipped (as opposed to a value or a link dropped).
 * The planner leaves a skipped employee that is already in the directory exactly as it is.
 */
export const RECORD_SKIPPING_CODES: ReadonlySet<SyncIssueCode> = new Set(["MISSING_NAME", "DUPLICATE_EMAIL", "INVALID_RECORD"]);
