/** Per-employee problems a sync reports (the contract's SyncIssue). One never stops the others. */
export type SyncIssueCode =
  | "MISSING_NAME"
  | "DUPLICATE_EMAIL"
  /** Two people with the same Employee ID (work.employeeIdInCompany): the later one is skipped, as for an email. */
  | "DUPLICATE_EMPLOYEE_ID"
  | "MANAGER_NOT_FOUND"
  | "REPORTING_CYCLE"
  | "VALUE_REJECTED"
  | "INVALID_RECORD"
  /** A field the sync asks for that Bob sent for nobody (bobEmployeeId null): see field-visibility.ts. */
  | "FIELD_NOT_VISIBLE";

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
export const RECORD_SKIPPING_CODES: ReadonlySet<SyncIssueCode> = new Set([
  "MISSING_NAME",
  "DUPLICATE_EMAIL",
  "DUPLICATE_EMPLOYEE_ID",
  "INVALID_RECORD",
]);
