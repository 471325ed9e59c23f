import { DomainError } from "../errors.js";
import type { AttributeStore } from "../ports/attribute-store.js";
import type { MappingOverrideStore } from "../ports/mapping-override-store.js";
import type { BobApi, BobCredential } from "../ports/bob-api.js";
import type { Clock } from "../ports/clock.js";
import type { CompanyStore } from "../ports/company-store.js";
import type { CompanyLock } from "../ports/company-lock.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { DirectoryStore } from "../ports/directory-store.js";
import type { ProgressBus } from "../ports/progress-bus.js";
import type { Notifier } from "../ports/notifier.js";
import type { SyncRunStore } from "../ports/sync-run-store.js";
import type { EmployeeRecord } from "../mapping/employee-record.js";
import { isCredentialRefusal, recordRefusal, type OnCredentialRefused } from "../integration/credential-refusal.js";
import { CompanyFetch, type FetchedCompany } from "./company-fetch.js";
import { FetchPrefetch, type PrefetchedFetch } from "./fetch-prefetch.js";
import { HoldOrApply } from "./hold-or-apply.js";
import { RunApplier } from "./run-applier.js";
import { runCredential } from "./run-credential.js";
import { RunPlanner } from "./run-planner.js";
import { RunSteps } from "./run-steps.js";
import { settle, unwrap, type Settled } from "./settled.js";
import type { SyncRunRecord } from "./sync-run.js";

export interface FullSyncRunnerDeps {
  readonly bob: BobApi;
  readonly runs: SyncRunStore;
  readonly directory: DirectoryStore;
  readonly attributes: AttributeStore;
  /** The admins' field-mapping overrides; absent: none (mapping by name only). */
  readonly overrides?: MappingOverrideStore;
  readonly companies: CompanyStore;
  readonly connections: ConnectionStore;
  readonly progress: ProgressBus;
  readonly clock: Clock;
  readonly lock: CompanyLock;
  /** Employees per applying transaction. */
  readonly batchSize?: number;
  /**
   * Transactions applied at once (default 1). Above 1, batches of the same kind (all creates,
   * or all updates) overlap; deletes, and a batch that mixes kinds, still run alone, so every
   * delete is done before an update and every update before a create.
   */
  readonly applyConcurrency?: number;
  /** At least one progress event this often while applying. */
  readonly progressEveryMs?: number;
  readonly progressEveryEmployees?: number;
  /** Bob refused the stored credential during a run (told once per refusal). */
  readonly onCredentialRefused?: OnCredentialRefused;
  /** Tells the company's notification URL when a (non-dry) run is HELD or FAILED; absent: nobody. */
  readonly notifier?: Notifier;
}

/**
 * Executes one queued full sync: FETCHING -> PLANNING -> APPLYING -> DONE. Re-running a run
 * (a worker died and the job came back) starts it over: planning compares Bob with the directory
 * as it is now, so whatever was applied before is simply unchanged the second time.
 */
export class FullSyncRunner {
  private readonly companyFetch: CompanyFetch;
  private readonly prefetches: FetchPrefetch;
  private readonly steps: RunSteps;
  private readonly planner: RunPlanner;
  private readonly holdOrApply: HoldOrApply;
  /** Runs this process is executing now. */
  private running = 0;

  constructor(private readonly deps: FullSyncRunnerDeps) {
    this.companyFetch = new CompanyFetch({ bob: deps.bob, attributes: deps.attributes, overrides: deps.overrides });
    this.prefetches = new FetchPrefetch({
      connections: deps.connections,
      directory: deps.directory,
      companyFetch: this.companyFetch,
    });
    this.steps = new RunSteps({ runs: deps.runs, progress: deps.progress, clock: deps.clock });
    this.planner = new RunPlanner({
      directory: deps.directory,
      connections: deps.connections,
      runs: deps.runs,
      companyFetch: this.companyFetch,
      steps: this.steps,
    });
    const applier = new RunApplier(
      { directory: deps.directory, steps: this.steps, clock: deps.clock },
      {
        batchSize: deps.batchSize ?? 1000,
        concurrency: Math.max(1, Math.floor(deps.applyConcurrency ?? 1)),
        progressEveryMs: deps.progressEveryMs ?? 500,
        progressEveryEmployees: deps.progressEveryEmployees ?? 1000,
      },
    );
    this.holdOrApply = new HoldOrApply({
      runs: deps.runs,
      directory: deps.directory,
      progress: deps.progress,
      clock: deps.clock,
      steps: this.steps,
      applier,
      notifier: deps.notifier,
    });
  }

  /**
   * A full sync of the company was just requested in this process: its fetch may begin now
   * (FetchPrefetch). Not while this process is busy with another run, whose job would keep this
   * one waiting or send it to another replica.
   */
  prefetch(companyId: string): void {
    if (this.running > 0) return;
    this.prefetches.begin(companyId);
  }

  /** Claims the run and executes it under the company lock. */
  async run(runId: string): Promise<SyncRunRecord | null> {
    this.running++;
    try {
      const loaded = await this.deps.runs.loadToExecute(runId);
      if (!loaded || (loaded.run.status !== "QUEUED" && loaded.run.status !== "RUNNING")) return loaded?.run ?? null;
      const queued = loaded.run;
      const taken = this.prefetches.take(queued.companyId);
      // The credential is the one the prefetch read when the run was requested, or is read now,
      // while the lock is taken: either way Bob is asked sooner.
      const credential = settle(
        taken === null
          ? this.credentialOf(queued.companyId)
          : taken.then((p) => p?.credential ?? this.credentialOf(queued.companyId)),
      );
      const job = { queued, held: loaded.held && queued.status === "QUEUED", credential, taken };
      // Dry runs write nothing, so they need not wait for webhook applications.
      return await (queued.dryRun
        ? this.execute(job)
        : this.deps.lock.withLock(queued.companyId, () => this.execute(job)));
    } finally {
      this.running--;
    }
  }

  /** The run's steps in the order they happen: FETCHING, then an approved plan applied, or fetch, plan, and hold or apply. */
  private async execute({ queued, held: holdsPlan, credential, taken }: RunToExecute): Promise<SyncRunRecord | null> {
    const prefetched = taken === null ? null : settle(this.prefetches.usable(queued.companyId, taken));
    // The FETCHING step is stored and published while the fetch begins; every later step waits
    // for it, so the events keep their order.
    const fetching = settle(
      this.steps.step(queued.id, {
        status: "RUNNING",
        phase: "FETCHING",
        startedAt: queued.startedAt ?? this.deps.clock.now(),
        processed: 0,
        total: null,
        error: null,
      }),
    );
    // The PLANNING step's statement, once planning has begun: it runs beside the next step's.
    let planning: Promise<Settled<unknown>> | null = null;
    try {
      const held = holdsPlan ? await this.deps.runs.heldPlan(queued.id) : null;
      if (held) return await this.holdOrApply.applyApproved(unwrap(await fetching), held);

      // The settings (deletion safeguard; the time zone the survey impact's today is in) are read
      // beside the fetch rather than after planning: one round trip less between PLANNING and
      // APPLYING.
      const integration = settle(this.deps.companies.getIntegration(queued.companyId));
      const planned = await this.planner.fetchAndPlan(queued, fetching, credential, prefetched);
      planning = planned.planning;
      return await this.holdOrApply.complete(queued, planned, unwrap(await integration));
    } catch (error) {
      // No event may follow FAILED: the steps under way end first (the FETCHING step fails the job if it failed).
      unwrap(await fetching);
      await planning;
      return await this.fail(queued, error);
    }
  }

  /** The FAILED step; an unexpected error is thrown again, carrying the failed run, for the job to fail too. */
  private async fail(queued: SyncRunRecord, error: unknown): Promise<SyncRunRecord> {
    if (isCredentialRefusal(error))
      await recordRefusal(
        this.deps.connections,
        queued.companyId,
        error,
        this.deps.clock.now(),
        this.deps.onCredentialRefused,
      );
    const message =
      error instanceof DomainError
        ? error.message
        : "The sync failed unexpectedly; nothing more was applied. See the gateway logs.";
    const failed = await this.steps.step(queued.id, {
      status: "FAILED",
      phase: "DONE",
      finishedAt: this.deps.clock.now(),
      error: message,
    });
    if (!queued.dryRun)
      await this.deps.notifier?.notify(queued.companyId, {
        type: "RUN_FAILED",
        run: { id: queued.id, status: failed.status, error: failed.error },
      });
    if (!(error instanceof DomainError)) throw Object.assign(error as Error, { syncRunFailed: failed });
    return failed;
  }

  /**
   * Reads Bob (see CompanyFetch): everyone, inactive too, or only `employeeIds` (webhooks).
   * `stored` gives the directory once it is loaded, so people Bob did not change are recognised.
   */
  fetch(
    companyId: string,
    credential: BobCredential,
    employeeIds?: readonly string[],
    stored?: () => ReadonlyMap<string, EmployeeRecord> | null,
  ): Promise<FetchedCompany> {
    return this.companyFetch.fetch(companyId, credential, {
      ...(employeeIds === undefined ? {} : { employeeIds }),
      ...(stored === undefined ? {} : { stored }),
    });
  }

  private credentialOf(companyId: string): Promise<BobCredential> {
    return runCredential(this.deps.connections, companyId);
  }
}

interface RunToExecute {
  readonly queued: SyncRunRecord;
  /** It keeps an approved plan to apply. */
  readonly held: boolean;
  readonly credential: Promise<Settled<BobCredential>>;
  /** The fetch prefetched for the company, if one was waiting. */
  readonly taken: Promise<PrefetchedFetch | null> | null;
}
