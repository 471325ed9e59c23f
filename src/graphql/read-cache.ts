import { createHash } from "node:crypto";
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from "@apollo/server";
import { Kind, type FormattedExecutionResult, type OperationDefinitionNode } from "graphql";
import type { Caller } from "../domain/caller.js";
import type { Clock } from "../domain/ports/clock.js";
import { todayIn } from "../domain/mapping/lifecycle.js";
import type { GraphQLContext } from "./context.js";
import { stringifySliced } from "./time-slicing.js";

/** Where the cache learns whether a kept result is current: one cheap statement per request. */
export interface DirectoryVersions {
  /** The company's directory version and time zone; null when there is no such company. */
  current(companyId: string): Promise<{ readonly version: string; readonly timeZone: string } | null>;
}

/**
 * Root fields whose whole answer is a function of (the company's directory version, the
 * company's calendar day, the caller's company and role, the operation and its variables): the
 * employee directory and the attributes. Everything they resolve (employees, managers, attribute
 * names, the employees EMPLOYEE attribute values reference, lifecycle as of today) lives in the
 * tables the version covers.
 */
export const CACHEABLE_ROOT_FIELDS: ReadonlySet<string> = new Set([
  "employees",
  "employee",
  "attributes",
  "__typename",
]);

export interface ReadCacheOptions {
  readonly versions: DirectoryVersions;
  readonly clock: Clock;
  /** Bound on the kept response bodies, in characters (≈ bytes: the bodies are JSON). Default 64 MiB. */
  readonly maxBytes?: number;
}

export interface ReadCacheStats {
  hits: number;
  misses: number;
  /** Requests that waited for an identical request already executing, and used its result. */
  joined: number;
  stored: number;
  evicted: number;
  /** Cacheable operations that could not be cached (errors, no such company, bad time zone). */
  uncacheable: number;
}

/** How long identical requests wait for the one executing before executing themselves. */
const JOIN_TIMEOUT_MS = 30_000;

type VersionState = { readonly version: string; readonly timeZone: string };

interface VersionReads {
  running: boolean;
  next: {
    readonly promise: Promise<VersionState | null>;
    resolve(v: VersionState | null): void;
    reject(e: unknown): void;
  } | null;
}

interface Entry {
  readonly version: string;
  readonly today: string;
  readonly body: string;
  readonly size: number;
}

interface Fill {
  readonly key: string;
  readonly version: string;
  readonly today: string;
  /** Resolves with the body once stored, or null: requests that joined this one then execute themselves. */
  readonly done: (body: string | null) => void;
}

/**
 * A read cache for the directory queries, correct across gateway replicas:
 *
 * - Every cacheable request first reads the company's directory version (a counter the database
 *   moves, by trigger, in the same transaction as every write to the company's employees,
 *   attributes or company row: full sync, webhooks, admin mutations, anything). A result is
 *   served only if it was kept under that same version and the same calendar day of the company.
 *   The version is read before executing, so a kept result is never older than the version it is
 *   kept under; a replica that could observe a committed write reads its new version.
 * - Keyed by company, role, operation text (its hash), operation name and variables. Only
 *   queries whose root fields are all in CACHEABLE_ROOT_FIELDS, and only answers without errors
 *   or extensions.
 * - The response body is kept as the exact text Apollo would send, and sent as is (Apollo's
 *   `stringifyResult` hook), so a hit costs no execution and no serialisation.
 * - Identical requests arriving while one executes wait for it instead of executing again.
 * - Bounded: least recently used bodies go first when `maxBytes` would be exceeded.
 */
export class GraphQLReadCache {
  readonly stats: ReadCacheStats = { hits: 0, misses: 0, joined: 0, stored: 0, evicted: 0, uncacheable: 0 };
  private readonly entries = new Map<string, Entry>();
  private size = 0;
  private readonly maxBytes: number;
  private readonly maxEntryBytes: number;
  /** Executing requests by key+version+day, for identical requests to join. */
  private readonly inFlight = new Map<string, Promise<string | null>>();
  /** A result's data object -> where its text is to be kept (set once the answer proved storable). */
  private readonly toStore = new WeakMap<object, Fill>();
  /** The placeholder data of a served hit -> the body to send. */
  private readonly toServe = new WeakMap<object, string>();
  /** Fills whose text stringifyResult is producing (in slices, for a large answer). */
  private readonly serialising = new WeakSet<Fill>();
  /** Per company: whether a version read is running, and the callers waiting for the next one. */
  private readonly versionReads = new Map<string, VersionReads>();

  constructor(private readonly options: ReadCacheOptions) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.maxEntryBytes = Math.max(1, Math.floor(this.maxBytes / 8));
  }

  get entryCount(): number {
    return this.entries.size;
  }

  get keptBytes(): number {
    return this.size;
  }

  clear(): void {
    this.entries.clear();
    this.size = 0;
  }

  /** The Apollo plugin: answers hits before execution, and marks storable answers. */
  plugin(): ApolloServerPlugin<GraphQLContext> {
    return {
      requestDidStart: async () => {
        let fill: Fill | null = null;
        return {
          responseForOperation: async (rc) => {
            if (!isCacheable(rc.operation)) return null;
            let lookup: Awaited<ReturnType<GraphQLReadCache["lookup"]>>;
            try {
              lookup = await this.lookup(
                rc.contextValue.caller,
                rc.queryHash ?? hashOf(rc.source),
                rc.operationName ?? null,
                rc.request.variables,
              );
            } catch {
              // The version could not be read (database trouble): execute, which reports it properly.
              this.stats.uncacheable++;
              return null;
            }
            if (lookup.kind === "hit") return this.respondWith(lookup.body);
            if (lookup.kind === "fill") fill = lookup.fill;
            return null;
          },
          willSendResponse: async (rc) => {
            if (!fill) return;
            const current = fill;
            fill = null;
            const body = rc.response.body;
            const storable =
              body.kind === "single" &&
              body.singleResult.errors === undefined &&
              body.singleResult.extensions === undefined &&
              isObject(body.singleResult.data) &&
              (rc.response.http.status ?? 200) === 200;
            if (!storable) {
              this.stats.uncacheable++;
              current.done(null);
              return;
            }
            this.toStore.set(body.singleResult.data as object, current);
            // stringifyResult runs next and keeps the text; should it not, joined requests execute themselves.
            setImmediate(() => this.serialising.has(current) || current.done(null));
          },
        };
      },
    };
  }

  /** Apollo's `stringifyResult`: sends kept bodies as they are and keeps the text of storable answers. */
  readonly stringifyResult = (value: FormattedExecutionResult): string | Promise<string> => {
    const data = value.data;
    if (isObject(data)) {
      const kept = this.toServe.get(data);
      if (kept !== undefined) {
        if (value.errors === undefined && value.extensions === undefined) return kept;
        // A plugin added errors or extensions to a hit: send them with the kept data.
        return serialise({
          errors: value.errors,
          data: (JSON.parse(kept) as { data: unknown }).data as FormattedExecutionResult["data"],
          extensions: value.extensions,
        });
      }
      const fill = this.toStore.get(data);
      if (fill) {
        this.toStore.delete(data);
        this.serialising.add(fill);
        const keep = (body: string): string => {
          if (value.errors === undefined && value.extensions === undefined) this.store(fill, body);
          fill.done(body);
          return body;
        };
        const body = serialise(value);
        if (typeof body === "string") return keep(body);
        return body.then(keep, (error: unknown) => {
          fill.done(null);
          throw error;
        });
      }
    }
    return serialise(value);
  };

  private async lookup(
    caller: Caller,
    queryHash: string,
    operationName: string | null,
    variables: Record<string, unknown> | undefined,
  ): Promise<{ kind: "hit"; body: string } | { kind: "fill"; fill: Fill } | { kind: "skip" }> {
    const state = await this.readVersion(caller.companyId);
    const today = state ? companyToday(state.timeZone, this.options.clock.now()) : null;
    if (!state || today === null) {
      this.stats.uncacheable++;
      return { kind: "skip" };
    }
    const key = JSON.stringify([caller.companyId, caller.role, queryHash, operationName, variables ?? {}]);
    const entry = this.entries.get(key);
    if (entry && entry.version === state.version && entry.today === today) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, entry);
      this.stats.hits++;
      return { kind: "hit", body: entry.body };
    }
    const flightKey = `${state.version}\u0000${today}\u0000${key}`;
    const running = this.inFlight.get(flightKey);
    if (running) {
      const body = await running;
      if (body !== null) {
        this.stats.joined++;
        return { kind: "hit", body };
      }
    }
    this.stats.misses++;
    let done!: (body: string | null) => void;
    const flight = new Promise<string | null>((resolve) => (done = resolve));
    if (!running) {
      this.inFlight.set(flightKey, flight);
      // Whatever becomes of this request, those who joined it stop waiting in the end.
      const giveUp = setTimeout(() => done(null), JOIN_TIMEOUT_MS);
      giveUp.unref();
      void flight.then(() => {
        clearTimeout(giveUp);
        if (this.inFlight.get(flightKey) === flight) this.inFlight.delete(flightKey);
      });
    }
    return { kind: "fill", fill: { key, version: state.version, today, done } };
  }

  /**
   * The company's version as of a read that STARTED after this call: a read already under way may
   * have begun before a write this caller has seen was committed, so callers never join it; they
   * wait for the next one, which every caller arrived before. Under load, one statement answers
   * all the requests of a company that arrived while the previous one ran.
   */
  private readVersion(companyId: string): Promise<VersionState | null> {
    let reads = this.versionReads.get(companyId);
    if (!reads) {
      reads = { running: false, next: null };
      this.versionReads.set(companyId, reads);
    }
    if (reads.next) return reads.next.promise;
    let settle!: { resolve: (v: VersionState | null) => void; reject: (e: unknown) => void };
    const promise = new Promise<VersionState | null>((resolve, reject) => (settle = { resolve, reject }));
    reads.next = { promise, ...settle };
    if (!reads.running) {
      // Started one event-loop turn later, so the requests parsed in the same turn share it
      // (PGlite answers within the turn, so otherwise there would be nothing to share).
      reads.running = true;
      setImmediate(() => this.startVersionRead(companyId, reads));
    }
    return promise;
  }

  private startVersionRead(companyId: string, reads: VersionReads): void {
    const batch = reads.next;
    if (!batch) {
      this.versionReads.delete(companyId);
      return;
    }
    reads.next = null;
    reads.running = true;
    this.options.versions
      .current(companyId)
      .then(batch.resolve, batch.reject)
      .finally(() => {
        reads.running = false;
        this.startVersionRead(companyId, reads);
      });
  }

  private respondWith(body: string): GraphQLResponse {
    const placeholder = {};
    this.toServe.set(placeholder, body);
    return {
      http: { status: undefined, headers: new HeaderMap() },
      body: { kind: "single", singleResult: { data: placeholder } },
    };
  }

  private store(fill: Fill, body: string): void {
    const size = body.length + fill.key.length;
    if (size > this.maxEntryBytes) return;
    const previous = this.entries.get(fill.key);
    // Two fills of one key may finish out of order: never replace a newer version with an older one.
    if (previous && BigInt(previous.version) > BigInt(fill.version)) return;
    if (previous) {
      this.entries.delete(fill.key);
      this.size -= previous.size;
    }
    this.entries.set(fill.key, { version: fill.version, today: fill.today, body, size });
    this.size += size;
    this.stats.stored++;
    for (const [key, entry] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(key);
      this.size -= entry.size;
      this.stats.evicted++;
    }
  }
}

/**
 * Apollo's own serialisation of a single result (prettyJSONStringify), field order included; a
 * result with a long list is serialised in slices (time-slicing.ts).
 */
export function serialise(value: FormattedExecutionResult): string | Promise<string> {
  const text = stringifySliced({ errors: value.errors, data: value.data, extensions: value.extensions });
  return typeof text === "string" ? `${text}\n` : text.then((t) => `${t}\n`);
}

function isCacheable(operation: OperationDefinitionNode | undefined): boolean {
  if (!operation || operation.operation !== "query") return false;
  return operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && CACHEABLE_ROOT_FIELDS.has(s.name.value),
  );
}

function hashOf(source: string): string {
  return createHash("sha256").update(source).digest("hex");
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

const lastDay = new Map<string, { readonly minute: number; readonly day: string }>();

/**
 * The company's calendar day (YYYY-MM-DD), as domain/mapping/lifecycle.ts `todayIn` computes it,
 * with the answer kept for the rest of the UTC minute: every current UTC offset is a whole number
 * of minutes (tzdb: multiples of 15), so no zone's day changes inside a UTC minute. Null for an
 * unknown time zone.
 */
export function companyToday(timeZone: string, now: Date): string | null {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastDay.get(timeZone);
  if (last && last.minute === minute) return last.day;
  const day = formatDay(timeZone, now);
  if (day !== null) {
    if (lastDay.size > 1_000) lastDay.clear();
    lastDay.set(timeZone, { minute, day });
  }
  return day;
}

function formatDay(timeZone: string, now: Date): string | null {
  try {
    return todayIn(timeZone, now);
  } catch {
    return null; // an unknown time zone
  }
}
