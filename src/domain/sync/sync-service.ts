import { requireRole, type Caller } from "../caller.js";
import { DomainError, badInput, notFound } from "../errors.js";
import { pageSize } from "../paging.js";
import { requireEnabled } from "../integration/integration-service.js";
import { refusedError } from "../integration/credential-refusal.js";
import type { Clock } from "../ports/clock.js";
import type { CompanyStore } from "../ports/company-store.js";
import type { RunPage, SyncRunStore } from "../ports/sync-run-store.js";
import type { EmployeeChange } from "../mapping/plan.js";
import type { SyncIssue } from "../mapping/sync-issue.js";
import type { SyncRunRecord, SyncTrigger } from "./sync-run.js";

/** A run's issues and changes are read in one go by admins reviewing a plan: allow long lists. */
export const MAX_RUN_DETAIL = 10_000;

/** The use cases behind "Synchronize now" and sync history (directory reads: directory/directory-service.ts; field mappings: integration/field-mapping-service.ts). */
export class SyncService {
  constructor(
    private readonly deps: {
      readonly companies: CompanyStore;
      readonly runs: SyncRunStore;
      readonly clock: Clock;
      /**
       * Told of every full sync an admin requests here, before it is queued, so its fetch can be
       * on its way while the run is queued and picked up (FullSyncRunner.prefetch). Scheduled
       * syncs, which nobody waits for and which come many at a time, are not.
       */
      readonly prefetch?: (companyId: string) => void;
    },
  ) {}

  /** Queues a full sync (or dry run) and returns at once; an active one of the same kind is returned instead. */
  async synchronizeNow(caller: Caller, input: { dryRun?: boolean | null }): Promise<SyncRunRecord> {
    requireRole(caller, "ADMIN", "synchronize");
    return this.request(caller.companyId, "MANUAL", input.dryRun === true);
  }

  /**
   * For the scheduler: queues a SCHEDULED full sync for every company due (one full sync per
   * reconcileEveryHours, companies spread over the interval). Returns the runs queued (or already under way).
   */
  async reconcileDue(): Promise<SyncRunRecord[]> {
    const due = await this.deps.companies.dueForReconciliation(this.deps.clock.now());
    const runs: SyncRunRecord[] = [];
    for (const companyId of due) runs.push(await this.request(companyId, "SCHEDULED", false));
    return runs;
  }

  private async request(companyId: string, trigger: SyncTrigger, dryRun: boolean): Promise<SyncRunRecord> {
    const record = await this.deps.companies.getIntegration(companyId);
    requireEnabled(record);
    if (!record.connection) throw new DomainError("NOT_CONNECTED", "Connect Bob before synchronizing.");
    if (record.connection.refusedReason !== null) throw refusedError(record.connection.refusedReason);
    if (trigger === "MANUAL") this.deps.prefetch?.(companyId);
    return this.deps.runs.request(companyId, { trigger, dryRun, at: this.deps.clock.now() });
  }

  async approveHeldSync(caller: Caller, runId: string): Promise<SyncRunRecord> {
    requireRole(caller, "ADMIN", "approve a held sync");
    requireEnabled(await this.deps.companies.getIntegration(caller.companyId));
    const run = await this.deps.runs.get(caller.companyId, runId);
    if (!run) throw notFound("Sync run");
    if (run.status !== "HELD") throw badInput(`Only a HELD run can be approved; this one is ${run.status}.`, "runId");
    const outcome = await this.deps.runs.requeueHeld(run.id);
    if (outcome === "not-held") throw badInput("This run is no longer HELD.", "runId");
    if (outcome === "busy")
      throw badInput(
        "Another full sync of this company is queued or running; approve this run when it has finished.",
        "runId",
      );
    return (await this.deps.runs.get(caller.companyId, run.id)) as SyncRunRecord;
  }

  run(caller: Caller, runId: string): Promise<SyncRunRecord | null> {
    return this.deps.runs.get(caller.companyId, runId);
  }

  runs(caller: Caller, first: number | null | undefined, after: string | null | undefined): Promise<RunPage> {
    return this.deps.runs.list(caller.companyId, pageSize(first, 20), after ?? null);
  }

  lastRun(caller: Caller): Promise<SyncRunRecord | null> {
    return this.deps.runs.latest(caller.companyId);
  }

  issues(runId: string, first: number | null | undefined): Promise<SyncIssue[]> {
    return this.deps.runs.issues(runId, pageSize(first, 50, MAX_RUN_DETAIL));
  }

  changes(runId: string, first: number | null | undefined): Promise<EmployeeChange[]> {
    return this.deps.runs.changes(runId, pageSize(first, 100, MAX_RUN_DETAIL));
  }

  /** The runs a new progress subscriber should hear about first: the one asked for, else those under way. */
  async progressSnapshot(caller: Caller, runId: string | null): Promise<SyncRunRecord[]> {
    if (runId) {
      const run = await this.deps.runs.get(caller.companyId, runId);
      return run ? [run] : [];
    }
    const latest = await this.deps.runs.latest(caller.companyId);
    return latest && (latest.status === "QUEUED" || latest.status === "RUNNING") ? [latest] : [];
  }
}
