/**
 * The domain's window on Bob. The Bob client (src/bob/) implements it; the domain never sees
 * Bob's raw JSON, only these types. Errors are the Bob*Error classes of domain/errors.ts.
 */

export type BobCredential =
  | { readonly kind: "ACCESS_TOKEN"; readonly token: string }
  | { readonly kind: "SERVICE_USER"; readonly serviceUserId: string; readonly token: string };

/** Bob field types as its metadata names them; unknown future types pass through as strings. */
export type BobFieldType =
  | "text"
  | "text-area"
  | "number"
  | "date"
  | "short-date"
  | "boolean"
  | "time"
  | "list"
  | "multi-list"
  | "hierarchy-list"
  | "currency"
  | "employee-reference"
  | "document"
  | (string & {});

export interface BobFieldDefinition {
  /** Stable field id in dot notation, e.g. "work.department" or "category_1.field_2". */
  readonly id: string;
  readonly name: string;
  readonly type: BobFieldType;
  readonly categoryId: string;
  /** The category as Bob's UI names it ("Personal"), when the metadata says. */
  readonly categoryName?: string;
  /** Dot path of the value inside the employee JSON, as Bob's metadata gives it. */
  readonly jsonPath: string;
  /** Named list backing a list-typed field. */
  readonly listId?: string;
}

export interface BobListItem {
  readonly id: string;
  readonly name: string;
  readonly archived: boolean;
}

export interface BobNamedList {
  readonly name: string;
  /** Flattened: hierarchy children are included, each with its own id. */
  readonly items: readonly BobListItem[];
}

/** One employee as fetched: machine values keyed by field id (absent key = Bob omitted it). */
export interface BobPerson {
  readonly id: string;
  readonly values: ReadonlyMap<string, unknown>;
}

/** A record Bob returned that we could not read; it never stops the other records. */
export interface BobRecordProblem {
  readonly bobEmployeeId: string | null;
  readonly message: string;
}

export interface PeopleSearchRequest {
  readonly fieldIds: readonly string[];
  readonly showInactive: boolean;
  /** Restrict to these Bob ids (one root.id equals filter). Omitted = everyone. */
  readonly employeeIds?: readonly string[];
}

export interface PeopleSearchResult {
  readonly people: readonly BobPerson[];
  readonly problems: readonly BobRecordProblem[];
}

/** People search with each person already turned into what the caller keeps. */
export interface MappedPeopleSearchResult<R> {
  readonly people: readonly R[];
  readonly problems: readonly BobRecordProblem[];
}

export interface BobApi {
  /** One cheap call per read scope; throws BobInvalidCredentials/MissingScope/Unavailable. */
  verifyAccess(credential: BobCredential): Promise<void>;
  fetchFields(credential: BobCredential): Promise<readonly BobFieldDefinition[]>;
  fetchNamedLists(credential: BobCredential): Promise<readonly BobNamedList[]>;
  /** Splits more than 400 field ids over several calls and merges them per employee. */
  searchPeople(credential: BobCredential, request: PeopleSearchRequest): Promise<PeopleSearchResult>;
  /**
   * searchPeople, with `map` (pure: a retried answer maps again) applied to each person as it is
   * read: a large company's raw values are never all held at once, only what `map` returns.
   */
  searchPeopleMapped<R>(
    credential: BobCredential,
    request: PeopleSearchRequest,
    reading: ((person: BobPerson) => R) | PersonReading<R>,
  ): Promise<MappedPeopleSearchResult<R>>;
}

/**
 * searchPeopleMapped's reading with digests: each person's `source` is the SHA-256 (base64url)
 * of its JSON exactly as Bob sent it, null when the person was merged from several answers (more
 * than 400 fields). Before a person is parsed, `recognize` is asked with that digest: what the
 * caller already knows these very bytes become (then they are not parsed), or undefined.
 */
export interface PersonReading<R> {
  readonly map: (person: BobPerson, source: string | null) => R;
  readonly recognize?: (source: string) => R | undefined;
}
