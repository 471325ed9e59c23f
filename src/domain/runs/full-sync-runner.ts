import { DomainError } from "../errors.js";
import type { AttributeStore } from "../ports/attribute-store.js";
import type { MappingOverrideStore } from "../ports/mapping-override-store.js";
import type { BobApi, BobCredential } from "../ports/bob-api.js";
import type { Clock } from "../ports/clock.js";
import type { CompanyStore } from "../ports/company-store.js";
import type { CompanyLock } from "../ports/company-lock.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { DirectoryStore, SourceFingerprintEntry } from "../ports/directory-store.js";
import type { ProgressBus } from "../ports/progress-bus.js";
import type { Notifier } from "../ports/notifier.js";
import type { SyncRunPatch, SyncRunStore } from "../ports/sync-run-store.js";
import type { EmployeeRecord } from "../sync/employee-record.js";
import { countPlannedDeletionShare, fitsDirectory } from "../sync/plan-checks.js";
import { planSync, type SyncPlan } from "../sync/plan.js";
import { visibilityIssue, warningsFor, type IntegrationWarning } from "../sync/field-visibility.js";
import type { ChangeCause } from "../history/employee-history.js";
import { isCredentialRefusal, recordRefusal, refusedError, type OnCredentialRefused } from "../integration/credential-refusal.js";
import { surveyImpactOf } from "../survey/survey-impact.js";
import { todayIn } from "../sync/lifecycle.js";
import { applyPlan } from "./apply-batches.js";
import { CompanyFetch, type FetchedCompany } from "./company-fetch.js";
import { Prefetches } from "./run-prefetch.js";
import { progressOf, type HeldPlan, type SyncCounts, type SyncRunRecord } from "./sync-run.js";
import { settle, unwrap, type Settled } from "./settled.js";

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
export type { FetchedCompany } from "./company-fetch.js";

export class FullSyncRunner {
  private readonly batchSize: number;
  private readonly progressEveryMs: number;
  private readonly progressEveryEmployees: number;
  private readonly applyConcurrency: number;
  private readonly companyFetch: CompanyFetch;
  private readonly prefetched = new Prefetches<PrefetchedFetch>();
  /** Runs this process is executing now. */
  private running = 0;

  constructor(private readonly deps: FullSyncRunnerDeps) {
    this.companyFetch = new CompanyFetch({ bob: deps.bob, attributes: deps.attributes, overrides: deps.overrides });
    this.batchSize = deps.batchSize ?? 1000;
    this.applyConcurrency = Math.max(1, Math.floor(deps.applyConcurrency ?? 1));
    this.progressEveryMs = deps.progressEveryMs ?? 500;
    this.progressEveryEmployees = deps.progressEveryEmployees ?? 1000;
  }

  /**
   * A full sync of the company was just requested in this process: when its fetch can start at
   * once (a resync, whose field list can be guessed) and is cheap to throw away (a directory of at
   * most PREFETCH_MAX_EMPLOYEES), the whole fetch runs now, while the run is queued and picked
   * up, instead of after the company lock is taken. The run uses it only if the directory
   * version it reads under the lock is the one read before anything was asked of Bob: then no
   * writer (a webhook application with newer data from Bob) has committed in between, and the
   * directory it was recognised against is the directory as it is. Not while this process is busy
   * with another run, whose job would keep this one waiting or send it to another replica.
   */
  prefetch(companyId: string): void {
    if (this.running > 0 || !this.companyFetch.canGuessFields(companyId)) return;
    this.prefetched.begin(companyId, async () => {
      // The version is read before anything is asked of Bob: a write committed after it moves it.
      const [state, { version, records }] = await Promise.all([this.deps.connections.loadCredentialState(companyId), this.deps.directory.loadVersionedRecords(companyId)]);
      if (state === null || state.refused !== null || records.size > PREFETCH_MAX_EMPLOYEES) return null;
      const credential = state.credential;
      return { version, credential, directory: records, fetched: settle(this.fetch(companyId, credential, undefined, () => records)) };
    });
  }

  async run(runId: string): Promise<SyncRunRecord | null> {
    this.running++;
    try {
      const loaded = await this.deps.runs.loadToExecute(runId);
      if (!loaded || (loaded.run.status !== "QUEUED" && loaded.run.status !== "RUNNING")) return loaded?.run ?? null;
      const queued = loaded.run;
      const taken = this.prefetched.take(queued.companyId);
      // The credential is the one the prefetch read when the run was requested, or is read now,
      // while the lock is taken: either way Bob is asked sooner.
      const credential = settle(taken === null ? this.credentialOf(queued.companyId) : taken.then((p) => p?.credential ?? this.credentialOf(queued.companyId)));
      const job = { queued, held: loaded.held && queued.status === "QUEUED", credential, taken };
      // Dry runs write nothing, so they need not wait for webhook applications.
      return await (queued.dryRun ? this.execute(job) : this.deps.lock.withLock(queued.companyId, () => this.execute(job)));
    } finally {
      this.running--;
    }
  }

  private async execute({ queued, held: holdsPlan, credential, taken }: RunToExecute): Promise<SyncRunRecord | null> {
    const runId = queued.id;
    const prefetched = taken === null ? null : settle(this.usablePrefetch(queued.companyId, taken));
    // The FETCHING step is stored and published while the fetch begins; every later step waits
    // for it, so the events keep their order.
    const fetching = settle(this.step(runId, { status: "RUNNING", phase: "FETCHING", startedAt: queued.startedAt ?? this.deps.clock.now(), processed: 0, total: null, error: null }));
    // The PLANNING step's statement, once planning has begun: it runs beside the next step's.
    let planning: Promise<Settled<unknown>> | null = null;
    try {
      const held = holdsPlan ? await this.deps.runs.heldPlan(runId) : null;
      if (held) return await this.applyApproved(unwrap(await fetching), held);

      // The settings (deletion safeguard; the time zone the survey impact's today is in) are read
      // beside the fetch rather than after planning: one round trip less between PLANNING and
      // APPLYING. A run goes by the settings it started with.
      const integration = settle(this.deps.companies.getIntegration(queued.companyId));
      const planned = await this.fetchAndPlan(queued, fetching, credential, prefetched);
      planning = planned.planning;
      const { plan, outcome } = planned;
      const total = plan.creates.length + plan.updates.length + plan.deletes.length;
      const started = unwrap(await integration);
      const settings = started.settings;
      // Real-time updates were on when the run started: whatever it changes, the webhooks missed (drift).
      const counts: SyncCounts = { ...planned.counts, driftRepaired: !queued.dryRun && started.connection?.hasHookSecret === true ? total : 0 };
      // Who becomes or stops being surveyable today by this plan: stored with the outcome, so dry
      // and HELD runs show it before anything is applied.
      const surveyImpact = surveyImpactOf(plan, todayIn(settings.timeZone, this.deps.clock.now()));
      /** The outcome with the next step, once the PLANNING step's statement has ended too. */
      const saveWith = async (next?: SyncRunPatch): Promise<SyncRunRecord> => {
        const saved = await settle(this.deps.runs.saveOutcome(runId, outcome.issues, outcome.changes, next, surveyImpact));
        unwrap(await planned.planning);
        return unwrap(saved);
      };
      if (queued.dryRun) return await this.publishStep(await saveWith(finishPatch(counts, plan.partial, this.deps.clock.now())));

      if (countPlannedDeletionShare(plan, planned.directorySize) > settings.deletionSafeguardPercent) {
        await saveWith();
        const hold: HeldPlan = { creates: plan.creates, updates: plan.updates, deletes: plan.deletes };
        // Counts and changes show what the plan would do, as for a dry run; nothing is applied.
        const run = await this.deps.runs.hold(runId, hold, { status: "HELD", phase: "PLANNING", counts, total });
        await this.deps.progress.publish(progressOf(run));
        await this.deps.notifier?.notify(run.companyId, { type: "RUN_HELD", run: { id: run.id, status: run.status, error: run.error } });
        return run;
      }
      // Nothing to write (Bob unchanged): the run ends with its outcome, as a dry run does, without an APPLYING step.
      if (total === 0 && plan.fingerprintRefreshes.length === 0) {
        return await this.publishStep(await saveWith({ ...finishPatch(counts, plan.partial, this.deps.clock.now(), 0), total: 0 }));
      }
      // The outcome and the APPLYING step in one statement.
      const applying = await this.publishStep(await saveWith({ phase: "APPLYING", counts, processed: 0, total }));
      // Unchanged employees whose source fingerprint is new (a new mapping context, or bytes that
      // changed without changing the record) get it with the last batch: the next resync recognises them.
      await this.apply(applying, plan, applying.trigger === "SCHEDULED" ? "SCHEDULED_SYNC" : "FULL_SYNC", plan.fingerprintRefreshes);
      return await this.finish(runId, counts, plan.partial, total);
    } catch (error) {
      // No event may follow FAILED: the steps under way end first (the FETCHING step fails the job if it failed).
      unwrap(await fetching);
      await planning;
      if (isCredentialRefusal(error)) await recordRefusal(this.deps.connections, queued.companyId, error, this.deps.clock.now(), this.deps.onCredentialRefused);
      const message = error instanceof DomainError ? error.message : "The sync failed unexpectedly; nothing more was applied. See the gateway logs.";
      const failed = await this.step(runId, { status: "FAILED", phase: "DONE", finishedAt: this.deps.clock.now(), error: message });
      if (!queued.dryRun) await this.deps.notifier?.notify(queued.companyId, { type: "RUN_FAILED", run: { id: runId, status: failed.status, error: failed.error } });
      if (!(error instanceof DomainError)) throw Object.assign(error as Error, { syncRunFailed: failed });
      return failed;
    }
  }

  /**
   * FETCHING and PLANNING. Returns only what applying needs, the outcome to store and the PLANNING
   * step's statement (still under way: the caller sends the next step's beside it). The
   * fetched records and the loaded directory are garbage once this returns, which keeps a large
   * company's peak memory down while it is applied.
   */
  private async fetchAndPlan(
    queued: SyncRunRecord,
    fetching: Promise<Settled<SyncRunRecord>>,
    credentialRead: Promise<Settled<BobCredential>>,
    prefetched: Promise<Settled<PrefetchedFetch | null>> | null,
  ): Promise<{ planning: Promise<Settled<SyncRunRecord | null>>; plan: PlanToApply; counts: SyncCounts; directorySize: number; outcome: Pick<SyncPlan, "issues" | "changes"> }> {
    const usable = prefetched === null ? null : unwrap(await prefetched);
    let directoryLoad: Promise<Settled<ReadonlyMap<string, EmployeeRecord>>>;
    let fetched: FetchedCompany;
    if (usable !== null) {
      directoryLoad = Promise.resolve({ ok: true, value: usable.directory });
      fetched = unwrap(await usable.fetched);
    } else {
      const credential = unwrap(await credentialRead);
      // The directory is read while Bob prepares its answer: the company lock keeps it as read.
      // Once it is in, people whose bytes Bob sent before are recognised instead of parsed.
      let loaded: ReadonlyMap<string, EmployeeRecord> | null = null;
      directoryLoad = settle(
        this.deps.directory.loadRecords(queued.companyId).then((records) => {
          loaded = records;
          return records;
        }),
      );
      try {
        fetched = await this.fetch(queued.companyId, credential, undefined, () => loaded);
      } finally {
        await directoryLoad; // never left running (or rejecting unobserved) when the fetch fails
      }
    }
    const started = unwrap(await fetching);
    const directory = unwrap(await directoryLoad);
    const planningPatch = { phase: "PLANNING", counts: { ...started.counts, fetched: fetched.fetched } } as const;
    // The PLANNING step's statement runs beside planning and beside the next step's statement,
    // which may commit first: it applies only while the run is still FETCHING, so it never undoes
    // a later step. Its event goes out now, before any later step's statement is sent, so a
    // subscriber reading the run's state never sees a later state before it.
    const planning = settle(this.deps.runs.advanceFrom(queued.id, "FETCHING", planningPatch));
    let plan: SyncPlan;
    let warnings: IntegrationWarning[];
    try {
      await this.publishStep({ ...started, ...planningPatch });
      warnings = await this.fieldWarnings(queued.companyId, fetched);
      // The integration's warnings follow what this fetch found (stored beside planning).
      const saved = settle(this.deps.connections.saveFieldWarnings(queued.companyId, warnings));
      plan = planSync({ fetched: fetched.records, directory, fetchComplete: true, issues: [...warnings.map(visibilityIssue), ...fetched.issues], attributes: fetched.attributes });
      unwrap(await saved);
    } catch (error) {
      await planning; // never left running when planning fails
      throw error;
    }
    return {
      planning,
      plan: { creates: plan.creates, updates: plan.updates, deletes: plan.deletes, skipped: plan.skipped, fingerprintRefreshes: plan.fingerprintRefreshes, partial: plan.skipped > 0 || warnings.length > 0 },
      counts: countsOf(plan, fetched.fetched),
      directorySize: directory.size,
      outcome: { issues: plan.issues, changes: plan.changes },
    };
  }

  /** The synced fields Bob sent for nobody (see FieldVisibility), as warnings. */
  private async fieldWarnings(companyId: string, fetched: FetchedCompany): Promise<IntegrationWarning[]> {
    const hiddenBefore = fetched.visibility.needsHiddenBefore() ? new Set((await this.deps.connections.loadFieldWarnings(companyId)).map((w) => w.bobFieldId ?? "")) : new Set<string>();
    return warningsFor(fetched.visibility.notVisible(hiddenBefore), fetched.fields);
  }

  /**
   * Reads Bob (see CompanyFetch): everyone, inactive too, or only `employeeIds` (webhooks).
   * `stored` gives the directory once it is loaded, so people Bob did not change are recognised.
   */
  fetch(companyId: string, credential: BobCredential, employeeIds?: readonly string[], stored?: () => ReadonlyMap<string, EmployeeRecord> | null): Promise<FetchedCompany> {
    return this.companyFetch.fetch(companyId, credential, { ...(employeeIds === undefined ? {} : { employeeIds }), ...(stored === undefined ? {} : { stored }) });
  }

  /** The prefetched fetch, if no write to the directory came since its version was read (read again now, under the lock). */
  private async usablePrefetch(companyId: string, taken: Promise<PrefetchedFetch | null>): Promise<PrefetchedFetch | null> {
    const [prefetched, version] = await Promise.all([taken, this.deps.directory.version(companyId)]);
    return prefetched !== null && prefetched.version === version ? prefetched : null;
  }

  private async credentialOf(companyId: string): Promise<BobCredential> {
    const state = await this.deps.connections.loadCredentialState(companyId);
    if (!state) throw new DomainError("NOT_CONNECTED", "Bob is not connected for this company; connect it and synchronize again.");
    // Bob's firewall blocks a credential that keeps failing: a refused one is not sent again.
    if (state.refused !== null) throw refusedError(state.refused);
    return state.credential;
  }

  private async applyApproved(run: SyncRunRecord, held: HeldPlan): Promise<SyncRunRecord> {
    const directory = await this.deps.directory.loadRecords(run.companyId);
    if (!fitsDirectory(held, directory)) {
      throw new DomainError("CONFLICT", "The directory changed since this run was held; its plan no longer applies. Synchronize again.");
    }
    const counts: SyncCounts = { ...run.counts, created: held.creates.length, updated: held.updates.length, deleted: held.deletes.length };
    const total = held.creates.length + held.updates.length + held.deletes.length;
    const applying = await this.step(run.id, { phase: "APPLYING", counts, processed: 0, total });
    await this.apply(applying, held, "APPROVED_SYNC");
    return this.finish(run.id, counts, run.counts.skipped > 0, total);
  }

  /**
   * Batched transactions: deletes, then updates, then creates; progress at least every N
   * employees or M ms. `run` is at its APPLYING step.
   */
  private async apply(run: SyncRunRecord, plan: Pick<SyncPlan, "creates" | "updates" | "deletes">, cause: ChangeCause, fingerprints: readonly SourceFingerprintEntry[] = []): Promise<void> {
    const total = plan.deletes.length + plan.updates.length + plan.creates.length;
    // Progress steps run one after another, each beside the batches rather than between them:
    // the events keep their order and the batches do not wait for them.
    let progress: Promise<SyncRunRecord> = Promise.resolve(run);
    let lastEventAt = Date.now();
    let lastEventProcessed = 0;
    let processed = 0;
    const committed = (size: number) => {
      processed += size;
      const due = processed - lastEventProcessed >= this.progressEveryEmployees || Date.now() - lastEventAt >= this.progressEveryMs;
      if (due && processed < total) {
        const at = processed;
        progress = progress.then(() => this.step(run.id, { processed: at }));
        progress.catch(() => undefined); // awaited below; a failure surfaces there
        lastEventAt = Date.now();
        lastEventProcessed = processed;
      }
    };
    try {
      await applyPlan(this.deps.directory, run.companyId, { deletes: plan.deletes, updates: plan.updates, creates: plan.creates, fingerprints }, {
        history: { cause, at: this.deps.clock.now(), runId: run.id },
        batchSize: this.batchSize,
        concurrency: this.applyConcurrency,
        onCommitted: committed,
      });
    } catch (error) {
      // applyBatches has let every started batch end: no progress event may follow the failure's.
      await progress.catch(() => undefined);
      throw error;
    }
    await progress; // the run's last step (DONE) sets processed to the total
  }

  private async finish(runId: string, counts: SyncCounts, partial: boolean, processed: number): Promise<SyncRunRecord> {
    return this.step(runId, finishPatch(counts, partial, this.deps.clock.now(), processed));
  }

  private async step(runId: string, patch: SyncRunPatch): Promise<SyncRunRecord> {
    return this.publishStep(await this.deps.runs.update(runId, patch));
  }

  /** Publishes a step the run store has just taken. */
  private async publishStep(run: SyncRunRecord): Promise<SyncRunRecord> {
    await this.deps.progress.publish(progressOf(run));
    // Let the subscribers' sockets be written before the next stretch of mapping or planning
    // holds the thread: otherwise the event waits behind it.
    await yieldToEventLoop();
    return run;
  }
}

/** Directories whose fetch may begin before the run holds the lock (FullSyncRunner.prefetch). */
export const PREFETCH_MAX_EMPLOYEES = 5_000;

interface RunToExecute {
  readonly queued: SyncRunRecord;
  /** It keeps an approved plan to apply. */
  readonly held: boolean;
  readonly credential: Promise<Settled<BobCredential>>;
  /** The fetch prefetched for the company, if one was waiting. */
  readonly taken: Promise<PrefetchedFetch | null> | null;
}

/** A fetch begun before its run (FullSyncRunner.prefetch). */
interface PrefetchedFetch {
  /** The directory version read before anything was asked of Bob. */
  readonly version: string;
  readonly credential: BobCredential;
  /** The directory at that version, which the fetch recognised people against. */
  readonly directory: ReadonlyMap<string, EmployeeRecord>;
  readonly fetched: Promise<Settled<FetchedCompany>>;
}

/**
 * The DONE step; `processed` is the count of employees written (the run's total). PARTIAL when
 * employees were skipped or fields could not be seen: never SUCCEEDED with a problem.
 */
function finishPatch(counts: SyncCounts, partial: boolean, now: Date, processed?: number): SyncRunPatch {
  return { status: partial ? "PARTIAL" : "SUCCEEDED", phase: "DONE", counts, finishedAt: now, ...(processed === undefined ? {} : { processed }) };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type PlanToApply = Pick<SyncPlan, "creates" | "updates" | "deletes" | "skipped" | "fingerprintRefreshes"> & { readonly partial: boolean };

export function countsOf(plan: SyncPlan, fetched: number): SyncCounts {
  return { fetched, created: plan.creates.length, updated: plan.updates.length, deleted: plan.deletes.length, unchanged: plan.unchanged, skipped: plan.skipped, driftRepaired: 0 };
}
