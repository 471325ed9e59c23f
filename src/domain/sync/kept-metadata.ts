import type { BobCredential, BobFieldDefinition, BobNamedList } from "../ports/bob-api.js";

/** How long a company's webhook drains reuse Bob's field metadata and named lists. */
export const KEPT_METADATA_MS = 30_000;
/** Companies whose metadata is kept at once (the least recently read go first). */
export const KEPT_METADATA_COMPANIES = 1_000;

export interface MetadataReads {
  readonly fields: Promise<readonly BobFieldDefinition[]>;
  readonly lists: Promise<readonly BobNamedList[]>;
}

interface Entry extends MetadataReads {
  readonly at: number;
  readonly credential: BobCredential;
}

const sameCredential = (a: BobCredential, b: BobCredential): boolean =>
  a.kind === b.kind &&
  a.token === b.token &&
  (a.kind !== "SERVICE_USER" || (b.kind === "SERVICE_USER" && a.serviceUserId === b.serviceUserId));

/**
 * Bob's field metadata and named lists as a company's last fetch read them, for its webhook
 * drains: in a storm a company is drained every few seconds, and reading both again each time
 * was two of every drain's three Bob calls. Kept KEPT_METADATA_MS from the read, for the same
 * credential only; every full fetch reads them fresh and keeps what it read. A value a drain
 * cannot map with the kept lists (a list item added since) makes that drain read them again
 * (CompanyFetch), so a kept copy delays no change of a list item; a new field waits at most
 * KEPT_METADATA_MS. A read that fails is forgotten at once.
 */
export class KeptMetadata {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxCompanies: number;
  private readonly now: () => number;

  constructor(options: { ttlMs?: number; maxCompanies?: number; now?: () => number } = {}) {
    this.ttlMs = options.ttlMs ?? KEPT_METADATA_MS;
    this.maxCompanies = options.maxCompanies ?? KEPT_METADATA_COMPANIES;
    this.now = options.now ?? (() => performance.now());
  }

  /** The company's kept reads, if younger than the TTL and made with this credential. */
  get(companyId: string, credential: BobCredential): MetadataReads | undefined {
    this.pruneExpired();
    const entry = this.entries.get(companyId);
    return entry !== undefined && sameCredential(entry.credential, credential) ? entry : undefined;
  }

  keep(companyId: string, credential: BobCredential, reads: MetadataReads): void {
    const entry: Entry = { ...reads, at: this.now(), credential };
    // Re-inserted last: the map's order is the order of expiry.
    this.entries.delete(companyId);
    this.entries.set(companyId, entry);
    if (this.entries.size > this.maxCompanies) this.entries.delete(this.entries.keys().next().value as string);
    const forgetOnFailure = () => {
      if (this.entries.get(companyId) === entry) this.entries.delete(companyId);
    };
    reads.fields.catch(forgetOnFailure);
    reads.lists.catch(forgetOnFailure);
  }

  forget(companyId: string): void {
    this.entries.delete(companyId);
  }

  private pruneExpired(): void {
    const now = this.now();
    for (const [companyId, entry] of this.entries) {
      if (now - entry.at < this.ttlMs) break;
      this.entries.delete(companyId);
    }
  }
}
