import type { BobScope, DomainError } from "../domain/errors.js";
import { BobInvalidCredentialsError, BobUnavailableError } from "../domain/errors.js";
import type {
  BobApi,
  BobCredential,
  BobFieldDefinition,
  BobNamedList,
  BobPerson,
  BobRecordProblem,
  MappedPeopleSearchResult,
  PeopleSearchRequest,
  PeopleSearchResult,
  PersonReading,
} from "../domain/ports/bob-api.js";
import { authorizationHeader, credentialKey } from "./auth-header.js";
import { systemBobClock, type BobClock } from "./clock.js";
import { finalError, immediateError, isRetryable, type AttemptFailure } from "./errors-from-response.js";
import { exchange, type BodySink, type FetchLike } from "./http-transport.js";
import { JsonArrayStream } from "./json-array-stream.js";
import { parseFields } from "./parse-fields.js";
import { parseNamedLists } from "./parse-named-lists.js";
import { PeopleReader, type PeopleParse } from "./parse-people.js";
import { BobRateLimiter, RateLimitWaitExceeded } from "./rate-limiter.js";
import { retryDelay } from "./retry-policy.js";

/** Bob's documented cap on field ids per people search. */
export const MAX_FIELDS_PER_SEARCH = 400;

export type BobEndpointName = "people.search" | "company.fields" | "company.namedLists";

/** Emitted once per HTTP attempt (for metrics/counting). status is null when no answer came. */
export interface BobRequestEvent {
  readonly endpoint: BobEndpointName;
  readonly status: number | null;
  readonly ms: number;
  readonly attempt: number;
  readonly failure?: "timeout" | "refused" | "network" | "truncated" | "bad-body";
}

/** The slice of a pino logger the client uses; never given a credential. */
export interface BobClientLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface BobHttpClientOptions {
  /** e.g. https://api.hibob.com/v1 (no trailing slash needed). */
  readonly baseUrl: string;
  /** Calls per rolling minute, per credential. Bob documents 50/min for people search. */
  readonly limits?: { readonly peopleSearchPerMinute?: number; readonly otherPerMinute?: number };
  /** Pass one instance to several clients so they share each credential's budget. */
  readonly rateLimiter?: BobRateLimiter;
  /** One HTTP attempt, headers and body (default 30 000). */
  readonly requestTimeoutMs?: number;
  /** Retries after the first attempt for 5xx/429/timeouts/network/bad bodies (default 4). */
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /**
   * Bound on one logical call, attempts and waits included (default 30 000). verifyAccess
   * shares one such deadline over both its calls, so "connect" answers within it.
   */
  readonly deadlineMs?: number;
  /** Longest a sync call waits in the local rate-limit queue before failing (default 10 min). */
  readonly maxQueueWaitMs?: number;
  /** Field ids per search call, root.id included (default and max 400). */
  readonly maxFieldsPerSearch?: number;
  /** Employee ids per root.id filter (default 1000). */
  readonly maxIdsPerSearch?: number;
  readonly logger?: BobClientLogger;
  /** For instrumentation/tests; defaults to the global fetch. */
  readonly fetch?: FetchLike;
  readonly onRequest?: (event: BobRequestEvent) => void;
  /** Each rate-limit slot taken, with how long it waited for it (metrics). */
  readonly onRateLimitWait?: (endpoint: BobEndpointName, waitedMs: number) => void;
  readonly clock?: BobClock;
  readonly random?: () => number;
}

interface Endpoint {
  readonly name: BobEndpointName;
  /** For messages: "the <what> request". */
  readonly what: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  /** The scope a 403 on this endpoint means is missing. */
  readonly scope: BobScope;
}

const SEARCH: Endpoint = {
  name: "people.search",
  what: "people search",
  method: "POST",
  path: "/people/search",
  scope: "Full employee read",
};
const FIELDS: Endpoint = {
  name: "company.fields",
  what: "field metadata",
  method: "GET",
  path: "/company/people/fields",
  scope: "Employee fields read",
};
// Archived items are fetched too: employees may still hold an archived department's id.
const NAMED_LISTS: Endpoint = {
  name: "company.namedLists",
  what: "named lists",
  method: "GET",
  path: "/company/named-lists?includeArchived=true",
  scope: "Employee fields read",
};

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };
/** A whole body parsed as JSON, or (for answers that can be huge) a sink fed as it arrives. */
type BodyReading<T> = ((json: unknown) => Parsed<T>) | { readonly stream: () => BodySink<Parsed<T>> };

/** A filter on an id no employee has: the cheapest search that still needs "Full employee read". */
const PROBE_FILTER = [{ fieldPath: "root.id", operator: "equals", values: ["0"] }];

/** Metadata answers kept parsed, per credential and endpoint (ParsedBodies). */
const PARSED_BODIES_KEPT = 1_000;

/**
 * The last body each (credential, endpoint) answered, with what parsing it gave. Bob's field
 * metadata and named lists rarely change between two syncs, yet validating them costs a
 * millisecond or two on every run and every webhook drain; the very same text parses to the very
 * same value, so a body equal to the last one is not parsed again. Least recently used first out.
 */
class ParsedBodies {
  private readonly kept = new Map<string, { readonly text: string; readonly parsed: unknown }>();

  get<T>(key: string, text: string): Parsed<T> | undefined {
    const entry = this.kept.get(key);
    if (entry === undefined || entry.text !== text) return undefined;
    this.kept.delete(key);
    this.kept.set(key, entry);
    return { ok: true, value: entry.parsed as T };
  }

  set(key: string, text: string, parsed: unknown): void {
    this.kept.delete(key);
    this.kept.set(key, { text, parsed });
    if (this.kept.size > PARSED_BODIES_KEPT) this.kept.delete(this.kept.keys().next().value as string);
  }
}

export class BobHttpClient implements BobApi {
  private readonly parsedBodies = new ParsedBodies();
  private readonly baseUrl: string;
  private readonly limiter: BobRateLimiter;
  private readonly clock: BobClock;
  private readonly fetchImpl: FetchLike;
  private readonly random: () => number;
  private readonly settings: {
    readonly peopleSearchPerMinute: number;
    readonly otherPerMinute: number;
    readonly requestTimeoutMs: number;
    readonly maxRetries: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
    readonly deadlineMs: number;
    readonly maxQueueWaitMs: number;
    readonly maxFieldsPerSearch: number;
    readonly maxIdsPerSearch: number;
  };

  constructor(private readonly options: BobHttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.clock = options.clock ?? systemBobClock;
    this.limiter = options.rateLimiter ?? new BobRateLimiter({ clock: this.clock });
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.random = options.random ?? Math.random;
    this.settings = {
      peopleSearchPerMinute: positive(options.limits?.peopleSearchPerMinute, 50),
      otherPerMinute: positive(options.limits?.otherPerMinute, 100),
      requestTimeoutMs: positive(options.requestTimeoutMs, 30_000),
      maxRetries: Math.max(0, Math.floor(options.maxRetries ?? 4)),
      baseDelayMs: Math.max(0, options.baseDelayMs ?? 500),
      maxDelayMs: Math.max(0, options.maxDelayMs ?? 10_000),
      deadlineMs: positive(options.deadlineMs, 30_000),
      maxQueueWaitMs: Math.max(0, options.maxQueueWaitMs ?? 600_000),
      maxFieldsPerSearch: Math.min(
        MAX_FIELDS_PER_SEARCH,
        Math.max(2, Math.floor(options.maxFieldsPerSearch ?? MAX_FIELDS_PER_SEARCH)),
      ),
      maxIdsPerSearch: positive(options.maxIdsPerSearch, 1000),
    };
  }

  async verifyAccess(credential: BobCredential): Promise<void> {
    // Sequential on purpose: a 401 on the first call must be the only request Bob sees.
    const deadlineAt = this.clock.now() + this.settings.deadlineMs;
    await this.call(
      credential,
      SEARCH,
      { fields: ["root.id"], showInactive: false, filters: PROBE_FILTER },
      peopleStream(["root.id"], { map: () => null }, false),
      deadlineAt,
    );
    await this.call(credential, FIELDS, undefined, (json) => fieldsOf(json), deadlineAt);
  }

  async fetchFields(credential: BobCredential): Promise<readonly BobFieldDefinition[]> {
    const parsed = await this.call(credential, FIELDS, undefined, (json) => fieldsOf(json));
    for (const skipped of parsed.skipped)
      this.options.logger?.warn(
        { bobField: skipped.id, index: skipped.index, reason: skipped.reason },
        "Skipped a malformed Bob field definition",
      );
    return parsed.fields;
  }

  async fetchNamedLists(credential: BobCredential): Promise<readonly BobNamedList[]> {
    const parsed = await this.call(credential, NAMED_LISTS, undefined, (json) => {
      const result = parseNamedLists(json);
      return result.ok ? { ok: true, value: result } : result;
    });
    for (const skipped of parsed.skipped)
      this.options.logger?.warn({ bobList: skipped.list, reason: skipped.reason }, "Skipped part of a Bob named list");
    return parsed.lists;
  }

  async searchPeople(credential: BobCredential, request: PeopleSearchRequest): Promise<PeopleSearchResult> {
    return this.searchPeopleMapped(credential, request, (person) => person);
  }

  async searchPeopleMapped<R>(
    credential: BobCredential,
    request: PeopleSearchRequest,
    reading: ((person: BobPerson) => R) | PersonReading<R>,
  ): Promise<MappedPeopleSearchResult<R>> {
    const personReading: PersonReading<R> = typeof reading === "function" ? { map: reading } : reading;
    const digests = typeof reading !== "function";
    const wanted = unique(request.fieldIds);
    const fieldChunks = splitFields(wanted, this.settings.maxFieldsPerSearch);
    if (request.employeeIds !== undefined && request.employeeIds.length === 0) return { people: [], problems: [] };
    const idChunks: (readonly string[] | undefined)[] =
      request.employeeIds === undefined
        ? [undefined]
        : chunk(unique(request.employeeIds), this.settings.maxIdsPerSearch);

    const people: R[] = [];
    const problems: BobRecordProblem[] = [];
    // Calls run one after another: parallel chunks would only race each other for the budget.
    for (const ids of idChunks) {
      const merged = await this.searchOneIdChunk(
        credential,
        request.showInactive,
        ids,
        fieldChunks,
        wanted,
        personReading,
        digests,
      );
      for (const person of merged.people) people.push(person);
      for (const problem of merged.problems) problems.push(problem);
    }
    return { people, problems };
  }

  /** Several field chunks for the same employees, merged per employee id, then mapped. */
  private async searchOneIdChunk<R>(
    credential: BobCredential,
    showInactive: boolean,
    ids: readonly string[] | undefined,
    fieldChunks: readonly (readonly string[])[],
    wanted: readonly string[],
    reading: PersonReading<R>,
    digests: boolean,
  ): Promise<MappedPeopleSearchResult<R>> {
    const wantedSet = new Set(wanted);
    if (fieldChunks.length === 1) {
      // The usual case (at most 400 fields): one answer, nothing to merge, each person mapped
      // as it is read. A retried answer starts over with a fresh reader.
      const fields = fieldChunks[0] as readonly string[];
      return this.call(
        credential,
        SEARCH,
        searchBody(fields, showInactive, ids),
        peopleStream(
          fields.filter((f) => wantedSet.has(f)),
          reading,
          digests,
        ),
      );
    }
    const values = new Map<string, Map<string, unknown>>();
    const seenIn = new Map<string, number>();
    const problems: BobRecordProblem[] = [];
    const broken = new Set<string>();

    for (const fields of fieldChunks) {
      const part = await this.call(
        credential,
        SEARCH,
        searchBody(fields, showInactive, ids),
        peopleStream(
          fields.filter((f) => wantedSet.has(f)),
          { map: (person) => person },
          false,
        ),
      );
      for (const problem of part.problems) {
        problems.push(problem);
        if (problem.bobEmployeeId !== null) broken.add(problem.bobEmployeeId);
      }
      const countedHere = new Set<string>();
      for (const person of part.people) {
        const into = values.get(person.id) ?? new Map<string, unknown>();
        for (const [k, v] of person.values) into.set(k, v);
        values.set(person.id, into);
        if (!countedHere.has(person.id)) seenIn.set(person.id, (seenIn.get(person.id) ?? 0) + 1);
        countedHere.add(person.id);
      }
    }

    const people: R[] = [];
    for (const [id, personValues] of values) {
      if (broken.has(id)) continue;
      if ((seenIn.get(id) ?? 0) < fieldChunks.length) {
        // Half a record would read as "Bob omitted these fields" and could clear them downstream.
        problems.push({
          bobEmployeeId: id,
          message: "Employee appeared in only some of the split field requests (changed during the sync?).",
        });
        continue;
      }
      people.push(reading.map({ id, values: personValues }, null)); // merged from several answers: no one source
    }
    return { people, problems };
  }

  /** parseBody, or what the same text gave last time for this credential and endpoint. */
  private parseKept<T>(key: string, text: string, parse: (json: unknown) => Parsed<T>): Parsed<T> {
    const kept = this.parsedBodies.get<T>(key, text);
    if (kept !== undefined) return kept;
    const parsed = parseBody(text, parse);
    if (parsed.ok) this.parsedBodies.set(key, text, parsed.value);
    return parsed;
  }

  /**
   * One logical call: rate-limit slot, attempt, and bounded retries. deadlineAt, when given,
   * bounds everything including the queue wait; otherwise the queue wait has its own bound and
   * the deadline starts once the first slot is granted.
   */
  private async call<T>(
    credential: BobCredential,
    endpoint: Endpoint,
    body: unknown,
    reading: BodyReading<T>,
    sharedDeadline?: number,
  ): Promise<T> {
    const key = `${credentialKey(credential)}|${endpoint.name}`;
    const limit =
      endpoint.name === "people.search" ? this.settings.peopleSearchPerMinute : this.settings.otherPerMinute;
    const secrets =
      credential.kind === "SERVICE_USER" ? [credential.token, authorizationHeader(credential)] : [credential.token];
    const log = { endpoint: endpoint.name, credentialKind: credential.kind };
    // fetch rejects header values with control or non-ASCII characters before sending; that
    // would look like a network failure and be retried. No Bob token looks like that: say so.
    if (credential.kind === "ACCESS_TOKEN" && !/^[\x21-\x7e]+$/.test(credential.token)) {
      throw new BobInvalidCredentialsError("The Bob token contains characters Bob tokens never have; paste it again.");
    }

    await this.slot(key, limit, sharedDeadline ?? this.clock.now() + this.settings.maxQueueWaitMs, endpoint, null, 0);
    const deadlineAt = sharedDeadline ?? this.clock.now() + this.settings.deadlineMs;
    const request = {
      method: endpoint.method,
      url: `${this.baseUrl}${endpoint.path}`,
      headers: {
        Authorization: authorizationHeader(credential),
        Accept: "application/json",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };

    let last: AttemptFailure | null = null;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await this.slot(key, limit, deadlineAt, endpoint, last, attempt - 1);
      const remaining = deadlineAt - this.clock.now();
      if (remaining <= 0)
        throw last ? finalError(last, attempt - 1, endpoint.what) : deadlineError(this.settings.deadlineMs);
      const timeoutMs = Math.min(this.settings.requestTimeoutMs, remaining);
      const started = this.clock.now();
      const result = await exchange(
        this.fetchImpl,
        request,
        timeoutMs,
        typeof reading === "function" ? undefined : reading.stream,
      );
      const ms = this.clock.now() - started;

      let failure: AttemptFailure;
      let headers: Headers | undefined;
      if (result.kind === "answered") {
        headers = result.headers;
        if (result.status >= 200 && result.status < 300) {
          const parsed =
            typeof reading === "function" ? this.parseKept(key, result.body, reading) : (result.streamed as Parsed<T>);
          this.report({
            endpoint: endpoint.name,
            status: result.status,
            ms,
            attempt,
            ...(parsed.ok ? {} : { failure: "bad-body" }),
          });
          if (parsed.ok) return parsed.value;
          failure = { kind: "bad-body", reason: parsed.reason };
        } else {
          this.report({ endpoint: endpoint.name, status: result.status, ms, attempt });
          failure = { kind: "status", status: result.status, body: result.body };
        }
      } else {
        const status = result.kind === "truncated" ? result.status : null;
        this.report({ endpoint: endpoint.name, status, ms, attempt, failure: result.kind });
        // A broken body under a 401/403/4xx still carries the status: that decides, not the body.
        if (result.kind === "truncated" && (result.status < 200 || result.status >= 300))
          failure = { kind: "status", status: result.status, body: "" };
        else failure = result.kind === "timeout" ? { kind: "timeout", timeoutMs } : result;
      }

      const immediate = immediateError(failure, endpoint.scope, endpoint.what, secrets);
      if (immediate) {
        this.options.logger?.warn(
          { ...log, status: result.kind === "answered" ? result.status : null },
          "Bob refused the request",
        );
        throw immediate;
      }
      if (!isRetryable(failure)) throw finalError(failure, attempt, endpoint.what);
      last = failure;
      if (attempt > this.settings.maxRetries) throw finalError(failure, attempt, endpoint.what);

      const rateLimited = failure.kind === "status" && failure.status === 429;
      const now = this.clock.now();
      const delay = retryDelay({ rateLimited, headers }, attempt, this.settings, now, this.random);
      if (rateLimited) this.limiter.holdOff(key, now + delay);
      if (now + delay >= deadlineAt)
        throw finalError(failure, attempt, endpoint.what, rateLimited ? { waitMs: delay } : undefined);
      this.options.logger?.warn(
        {
          ...log,
          attempt,
          failure: failure.kind,
          status: failure.kind === "status" ? failure.status : undefined,
          delayMs: delay,
        },
        "Bob call failed; retrying",
      );
      // The wait itself happens in slot(): the 429 hold-off, or a plain backoff sleep below.
      if (!rateLimited) await this.clock.sleep(delay);
    }
  }

  /** Takes a rate-limit slot or explains, in Bob terms, why the deadline passed first. */
  private async slot(
    key: string,
    limit: number,
    deadlineAt: number,
    endpoint: Endpoint,
    last: AttemptFailure | null,
    attempts: number,
  ): Promise<void> {
    const waitingSince = this.clock.now();
    try {
      await this.limiter.acquire(key, limit, deadlineAt);
      try {
        this.options.onRateLimitWait?.(endpoint.name, this.clock.now() - waitingSince);
      } catch {
        // Metrics must never break a Bob call.
      }
    } catch (error) {
      if (!(error instanceof RateLimitWaitExceeded)) throw error;
      if (last)
        throw finalError(last, attempts, endpoint.what, error.waitMs > 0 ? { waitMs: error.waitMs } : undefined);
      throw new BobUnavailableError(
        `This credential's Bob rate limit for ${endpoint.what} (${limit} calls a minute) is used up; try again in a minute.`,
      );
    }
  }

  private report(event: BobRequestEvent): void {
    try {
      this.options.onRequest?.(event);
    } catch {
      // Metrics must never break a Bob call.
    }
    this.options.logger?.debug({ ...event }, "Bob request");
  }
}

function searchBody(fields: readonly string[], showInactive: boolean, ids: readonly string[] | undefined): object {
  return {
    fields,
    showInactive,
    ...(ids === undefined ? {} : { filters: [{ fieldPath: "root.id", operator: "equals", values: ids }] }),
  };
}

/** The people search answer, read person by person as it arrives (see JsonArrayStream). */
function peopleStream<R>(
  fieldIds: readonly string[],
  reading: PersonReading<R>,
  digests: boolean,
): BodyReading<PeopleParse<R>> {
  const stream = (): BodySink<Parsed<PeopleParse<R>>> => {
    const people = new PeopleReader(fieldIds, reading.map);
    // A recognised person is looked up once: isKnown keeps what it found for onKnown.
    let known: R | undefined;
    const recognize = reading.recognize;
    const claims =
      digests && recognize !== undefined
        ? {
            isKnown: (digest: string) => (known = recognize(digest)) !== undefined,
            onKnown: () => people.addKnown(known as R),
          }
        : digests
          ? { isKnown: () => false, onKnown: () => undefined }
          : undefined;
    const stream = new JsonArrayStream("employees", (element, digest) => people.add(element, digest), claims);
    return {
      write: (chunk) => stream.write(chunk),
      end: () => {
        const end = stream.end();
        return end.ok ? { ok: true, value: people.result() } : end;
      },
    };
  };
  return { stream };
}

function fieldsOf(json: unknown): Parsed<Extract<ReturnType<typeof parseFields>, { ok: true }>> {
  const parsed = parseFields(json);
  return parsed.ok ? { ok: true, value: parsed } : parsed;
}

function parseBody<T>(text: string, parse: (json: unknown) => Parsed<T>): Parsed<T> {
  if (text.trim() === "") return { ok: false, reason: "the body is empty" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "the body is not valid JSON" };
  }
  return parse(json);
}

function deadlineError(deadlineMs: number): DomainError {
  return new BobUnavailableError(`Bob did not answer within ${Math.round(deadlineMs / 1000)} s.`);
}

/** Every chunk starts with root.id (it is how chunks are merged) and holds at most `max` ids. */
export function splitFields(fieldIds: readonly string[], max: number): string[][] {
  const others = fieldIds.filter((f) => f !== "root.id");
  if (others.length === 0) return [["root.id"]];
  return chunk(others, max - 1).map((part) => ["root.id", ...part]);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
