import type { EmployeeChange } from "../mapping/plan.js";
import type { SyncIssue } from "../mapping/sync-issue.js";
import type { SurveyImpact } from "../survey/survey-impact.js";
import type { HeldPlan, SyncPhase, SyncRunRecord, SyncTrigger } from "../sync/sync-run.js";

export interface RunPage {
  /** Each run with the opaque cursor that continues after it. */
  readonly runs: { readonly cursor: string; readonly run: SyncRunRecord }[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
}

export type SyncRunPatch = Partial<Omit<SyncRunRecord, "id" | "companyId" | "trigger" | "dryRun" | "queuedAt">>;

export interface SyncRunStore {
  /**
   * Atomically: if a run of the same kind (full sync or dry run) is QUEUED or RUNNING for the
   * company, returns it; otherwise creates a QUEUED run and enqueues its job in the same
   * transaction, so a run never exists without the job that will execute it.
   */
  request(companyId: string, request: { trigger: SyncTrigger; dryRun: boolean; at: Date }): Promise<SyncRunRecord>;
  get(companyId: string, runId: string): Promise<SyncRunRecord | null>;
  /** The run, and whether it keeps a plan (held, then approved), in one read: what a worker needs to start it. */
  loadToExecute(runId: string): Promise<{ run: SyncRunRecord; held: boolean } | null>;
  /** Newest first; `after` is an opaque cursor from a previous page. */
  list(companyId: string, first: number, after: string | null): Promise<RunPage>;
  latest(companyId: string): Promise<SyncRunRecord | null>;
  update(runId: string, patch: SyncRunPatch): Promise<SyncRunRecord>;
  /**
   * `update`, applied only while the run is RUNNING at `phase`: null, and nothing changed, once it
   * has moved on. Lets a step's statement run beside the next one's without ever undoing it.
   */
  advanceFrom(runId: string, phase: SyncPhase, patch: SyncRunPatch): Promise<SyncRunRecord | null>;
  /**
   * Replaces the run's issues and changes (they are written once, at the end of planning) and,
   * atomically with them, applies `next` to the run (its next progress step); returns the run.
   */
  saveOutcome(
    runId: string,
    issues: readonly SyncIssue[],
    changes: readonly EmployeeChange[],
    next?: SyncRunPatch,
    surveyImpact?: SurveyImpact,
  ): Promise<SyncRunRecord>;
  /** The survey impact saveOutcome stored, of each of the company's runs that has one. */
  surveyImpacts(companyId: string, runIds: readonly string[]): Promise<Map<string, SurveyImpact>>;
  issues(runId: string, first: number): Promise<SyncIssue[]>;
  changes(runId: string, first: number): Promise<EmployeeChange[]>;
  hold(runId: string, plan: HeldPlan, patch: SyncRunPatch): Promise<SyncRunRecord>;
  heldPlan(runId: string): Promise<HeldPlan | null>;
  /**
   * Moves a HELD run back to QUEUED with its job (approval). "busy" when another full sync of the
   * company is queued or running (only one may be); "not-held" when it was not HELD.
   */
  requeueHeld(runId: string): Promise<"requeued" | "not-held" | "busy">;
}
