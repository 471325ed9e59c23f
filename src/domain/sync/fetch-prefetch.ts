import type { BobCredential } from "../ports/bob-api.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { DirectoryStore } from "../ports/directory-store.js";
import type { EmployeeRecord } from "../mapping/employee-record.js";
import type { CompanyFetch, FetchedCompany } from "./company-fetch.js";
import { Prefetches } from "./run-prefetch.js";
import { settle, type Settled } from "./settled.js";

/** Directories whose fetch may begin before the run holds the lock (FetchPrefetch). */
export const PREFETCH_MAX_EMPLOYEES = 5_000;

/** A fetch begun before its run. */
export interface PrefetchedFetch {
  /** The directory version read before anything was asked of Bob. */
  readonly version: string;
  readonly credential: BobCredential;
  /** The directory at that version, which the fetch recognised people against. */
  readonly directory: ReadonlyMap<string, EmployeeRecord>;
  readonly fetched: Promise<Settled<FetchedCompany>>;
}

/**
 * The whole fetch of a full sync, begun when the sync is requested, while the run is queued and
 * picked up, instead of after the company lock is taken: only when the fetch can start at once (a
 * resync, whose field list can be guessed) and is cheap to throw away (a directory of at most
 * PREFETCH_MAX_EMPLOYEES). The run uses it only if the directory version it reads under the lock
 * is the one read before anything was asked of Bob: then no writer (a webhook application with
 * newer data from Bob) has committed in between, and the directory it was recognised against is
 * the directory as it is.
 */
export class FetchPrefetch {
  private readonly waiting = new Prefetches<PrefetchedFetch>();

  constructor(
    private readonly deps: {
      readonly connections: ConnectionStore;
      readonly directory: DirectoryStore;
      readonly companyFetch: CompanyFetch;
    },
  ) {}

  begin(companyId: string): void {
    if (!this.deps.companyFetch.canGuessFields(companyId)) return;
    this.waiting.begin(companyId, async () => {
      // The version is read before anything is asked of Bob: a write committed after it moves it.
      const [state, { version, records }] = await Promise.all([
        this.deps.connections.loadCredentialState(companyId),
        this.deps.directory.loadVersionedRecords(companyId),
      ]);
      if (state === null || state.refused !== null || records.size > PREFETCH_MAX_EMPLOYEES) return null;
      const credential = state.credential;
      return {
        version,
        credential,
        directory: records,
        fetched: settle(this.deps.companyFetch.fetch(companyId, credential, { stored: () => records })),
      };
    });
  }

  /** The fetch waiting for the company's run, if one is (see Prefetches.take). */
  take(companyId: string): Promise<PrefetchedFetch | null> | null {
    return this.waiting.take(companyId);
  }

  /** The taken fetch, if no write to the directory came since its version was read (read again now, under the lock). */
  async usable(companyId: string, taken: Promise<PrefetchedFetch | null>): Promise<PrefetchedFetch | null> {
    const [prefetched, version] = await Promise.all([taken, this.deps.directory.version(companyId)]);
    return prefetched !== null && prefetched.version === version ? prefetched : null;
  }
}
