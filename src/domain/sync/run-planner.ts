import type { BobCredential } from "../ports/bob-api.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { DirectoryStore } from "../ports/directory-store.js";
import type { SyncRunStore } from "../ports/sync-run-store.js";
import type { EmployeeRecord } from "../mapping/employee-record.js";
import { visibilityIssue, warningsFor, type IntegrationWarning } from "../mapping/field-visibility.js";
import { planSync, type SyncPlan } from "../mapping/plan.js";
import type { CompanyFetch, FetchedCompany } from "./company-fetch.js";
import type { PrefetchedFetch } from "./fetch-prefetch.js";
import type { RunSteps } from "./run-steps.js";
import { settle, unwrap, type Settled } from "./settled.js";
import type { SyncCounts, SyncRunRecord } from "./sync-run.js";

/** What a run keeps of its plan to apply it. */
export type PlanToApply = Pick<SyncPlan, "creates" | "updates" | "deletes" | "skipped" | "fingerprintRefreshes"> & {
  readonly partial: boolean;
};

/** A run's plan, with the outcome to store and the PLANNING step's statement (still under way). */
export interface PlannedRun {
  readonly planning: Promise<Settled<SyncRunRecord | null>>;
  readonly plan: PlanToApply;
  readonly counts: SyncCounts;
  readonly directorySize: number;
  readonly outcome: Pick<SyncPlan, "issues" | "changes">;
}

/** A run's FETCHING and PLANNING steps: Bob read beside the directory, then the plan between them. */
export class RunPlanner {
  constructor(
    private readonly deps: {
      readonly directory: DirectoryStore;
      readonly connections: ConnectionStore;
      readonly runs: SyncRunStore;
      readonly companyFetch: CompanyFetch;
      readonly steps: RunSteps;
    },
  ) {}

  /**
   * Returns only what applying needs, the outcome to store and the PLANNING step's statement
   * (still under way: the caller sends the next step's beside it). The fetched records and the
   * loaded directory are garbage once this returns, which keeps a large company's peak memory
   * down while it is applied.
   */
  async fetchAndPlan(
    queued: SyncRunRecord,
    fetching: Promise<Settled<SyncRunRecord>>,
    credentialRead: Promise<Settled<BobCredential>>,
    prefetched: Promise<Settled<PrefetchedFetch | null>> | null,
  ): Promise<PlannedRun> {
    const usable = prefetched === null ? null : unwrap(await prefetched);
    const { fetched, directoryLoad } =
      usable !== null
        ? await fromPrefetch(usable)
        : await this.fetchBesideDirectory(queued.companyId, unwrap(await credentialRead));
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
      await this.deps.steps.publish({ ...started, ...planningPatch });
      warnings = await this.fieldWarnings(queued.companyId, fetched);
      // The integration's warnings follow what this fetch found (stored beside planning).
      const saved = settle(this.deps.connections.saveFieldWarnings(queued.companyId, warnings));
      plan = planSync({
        fetched: fetched.records,
        directory,
        fetchComplete: true,
        issues: [...warnings.map(visibilityIssue), ...fetched.issues],
        attributes: fetched.attributes,
      });
      unwrap(await saved);
    } catch (error) {
      await planning; // never left running when planning fails
      throw error;
    }
    return {
      planning,
      plan: {
        creates: plan.creates,
        updates: plan.updates,
        deletes: plan.deletes,
        skipped: plan.skipped,
        fingerprintRefreshes: plan.fingerprintRefreshes,
        partial: plan.skipped > 0 || warnings.length > 0,
      },
      counts: countsOf(plan, fetched.fetched),
      directorySize: directory.size,
      outcome: { issues: plan.issues, changes: plan.changes },
    };
  }

  /**
   * The directory is read while Bob prepares its answer: the company lock keeps it as read.
   * Once it is in, people whose bytes Bob sent before are recognised instead of parsed.
   */
  private async fetchBesideDirectory(companyId: string, credential: BobCredential): Promise<FetchedWithDirectory> {
    let loaded: ReadonlyMap<string, EmployeeRecord> | null = null;
    const directoryLoad = settle(
      this.deps.directory.loadRecords(companyId).then((records) => {
        loaded = records;
        return records;
      }),
    );
    try {
      return {
        fetched: await this.deps.companyFetch.fetch(companyId, credential, { stored: () => loaded }),
        directoryLoad,
      };
    } finally {
      await directoryLoad; // never left running (or rejecting unobserved) when the fetch fails
    }
  }

  /** The synced fields Bob sent for nobody (see FieldVisibility), as warnings. */
  private async fieldWarnings(companyId: string, fetched: FetchedCompany): Promise<IntegrationWarning[]> {
    const hiddenBefore = fetched.visibility.needsHiddenBefore()
      ? new Set((await this.deps.connections.loadFieldWarnings(companyId)).map((w) => w.bobFieldId ?? ""))
      : new Set<string>();
    return warningsFor(fetched.visibility.notVisible(hiddenBefore), fetched.fields);
  }
}

/** Bob's answer, and the directory it is planned against. */
interface FetchedWithDirectory {
  readonly fetched: FetchedCompany;
  readonly directoryLoad: Promise<Settled<ReadonlyMap<string, EmployeeRecord>>>;
}

async function fromPrefetch(prefetched: PrefetchedFetch): Promise<FetchedWithDirectory> {
  return {
    fetched: unwrap(await prefetched.fetched),
    directoryLoad: Promise.resolve({ ok: true, value: prefetched.directory }),
  };
}

function countsOf(plan: SyncPlan, fetched: number): SyncCounts {
  return {
    fetched,
    created: plan.creates.length,
    updated: plan.updates.length,
    deleted: plan.deletes.length,
    unchanged: plan.unchanged,
    skipped: plan.skipped,
    driftRepaired: 0,
  };
}
