import { createHash } from "node:crypto";
import type {
  BobApi,
  BobCredential,
  BobFieldDefinition,
  BobNamedList,
  PeopleSearchRequest,
  PeopleSearchResult,
} from "../domain/ports/bob-api.js";

/**
 * How long a copy of Bob's field metadata may be served to readers. 0 by default: the contract
 * says fieldMappings reads the metadata live, so every answer comes from a read of Bob that
 * started no earlier than the request; concurrent requests still share such a read.
 */
export const FIELD_METADATA_TTL_MS = 0;

interface Entry {
  /** When the fetch that produced (or will produce) this copy started: its age is counted from here. */
  startedAt: number;
  readonly fields: Promise<readonly BobFieldDefinition[]>;
  /** Still answering (a reader arriving now cannot use it unless it started at its arrival). */
  inFlight: boolean;
  /** Queued behind an in-flight read, not started yet: any reader may join it and stay live. */
  queued: boolean;
}

/**
 * Bob's field metadata, per credential, for readers that may see a copy up to `ttlMs` old
 * (fieldMappings): without it every request spends one call of the credential's Bob budget
 * (100 calls a minute), which the sync and webhooks need.
 *
 * - Single flight: concurrent readers of one credential share one request to Bob.
 * - A failed fetch is never kept: the next reader asks Bob again.
 * - Keyed by a hash of the credential, so connecting a different credential (reconnect) never
 *   sees the previous one's copy, and a forgotten credential's copy is unreachable (disconnect).
 *   Connecting (verifyAccess through a wrapped client) drops the copy of that credential too, so
 *   reconnecting the same credential reads fresh metadata.
 * - Only the clients built with `wrap()` read from it. The full sync's client (`refreshing()`)
 *   always asks Bob at the start of a run, and leaves what it read here for the readers.
 */
export class BobFieldMetadataCache {
  /** Reads served from a kept (or shared in-flight) copy, and reads that asked Bob (metrics). */
  readonly stats = { hits: 0, misses: 0 };
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.ttlMs = options.ttlMs ?? FIELD_METADATA_TTL_MS;
    this.maxEntries = options.maxEntries ?? 1_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** `bob` with fetchFields served from this cache and verifyAccess invalidating it. */
  wrap(bob: BobApi): BobApi {
    return {
      verifyAccess: async (credential: BobCredential): Promise<void> => {
        await bob.verifyAccess(credential);
        this.invalidate(credential);
      },
      fetchFields: (credential: BobCredential) => this.fields(bob, credential),
      fetchNamedLists: (credential: BobCredential): Promise<readonly BobNamedList[]> => bob.fetchNamedLists(credential),
      searchPeople: (credential: BobCredential, request: PeopleSearchRequest): Promise<PeopleSearchResult> =>
        bob.searchPeople(credential, request),
      searchPeopleMapped: (credential, request, map) => bob.searchPeopleMapped(credential, request, map),
    };
  }

  /** `bob` unchanged, except that every successful fetchFields also refreshes this cache. */
  refreshing(bob: BobApi): BobApi {
    return {
      verifyAccess: (credential: BobCredential): Promise<void> => bob.verifyAccess(credential),
      fetchFields: async (credential: BobCredential): Promise<readonly BobFieldDefinition[]> => {
        const startedAt = this.now();
        const fields = await bob.fetchFields(credential);
        this.store(credentialKey(credential), {
          startedAt,
          fields: Promise.resolve(fields),
          inFlight: false,
          queued: false,
        });
        return fields;
      },
      fetchNamedLists: (credential: BobCredential): Promise<readonly BobNamedList[]> => bob.fetchNamedLists(credential),
      searchPeople: (credential: BobCredential, request: PeopleSearchRequest): Promise<PeopleSearchResult> =>
        bob.searchPeople(credential, request),
      searchPeopleMapped: (credential, request, map) => bob.searchPeopleMapped(credential, request, map),
    };
  }

  invalidate(credential: BobCredential): void {
    this.entries.delete(credentialKey(credential));
  }

  clear(): void {
    this.entries.clear();
  }

  fields(bob: BobApi, credential: BobCredential): Promise<readonly BobFieldDefinition[]> {
    const key = credentialKey(credential);
    const arrival = this.now();
    const cached = this.entries.get(key);
    // Usable: queued (starts after this arrival), started no earlier than this arrival, or young enough.
    if (cached && (cached.queued || cached.startedAt >= arrival || arrival - cached.startedAt < this.ttlMs)) {
      this.stats.hits++;
      return cached.fields;
    }
    this.stats.misses++;
    let entry: Entry;
    if (cached?.inFlight) {
      // A read that began before this request: one more read, after it, for everyone arriving meanwhile.
      const queued: Entry = {
        startedAt: arrival,
        inFlight: true,
        queued: true,
        fields: cached.fields
          .then(
            () => undefined,
            () => undefined,
          )
          .then(() => {
            queued.queued = false;
            queued.startedAt = this.now();
            return bob.fetchFields(credential);
          }),
      };
      entry = queued;
    } else {
      entry = { startedAt: arrival, inFlight: true, queued: false, fields: bob.fetchFields(credential) };
    }
    this.store(key, entry);
    entry.fields.then(
      () => {
        entry.inFlight = false;
      },
      () => {
        entry.inFlight = false;
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.fields;
  }

  private store(key: string, entry: Entry): void {
    const current = this.entries.get(key);
    if (current && current.startedAt > entry.startedAt) return; // never replace a newer copy
    this.entries.delete(key); // re-inserted last: the map's order is the age order
    this.entries.set(key, entry);
    this.evict(entry.startedAt);
  }

  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      // In flight, an entry is what concurrent readers share: only the size bound removes it.
      if (this.entries.size <= this.maxEntries && (entry.inFlight || now - entry.startedAt < this.ttlMs)) break;
      this.entries.delete(key);
    }
  }
}

/** Never the token itself as a key: a digest of everything that identifies the credential. */
function credentialKey(credential: BobCredential): string {
  const id = credential.kind === "SERVICE_USER" ? credential.serviceUserId : "";
  return createHash("sha256").update(`${credential.kind}\u0000${id}\u0000${credential.token}`).digest("base64url");
}
