import type {
  BobApi,
  BobCredential,
  BobFieldDefinition,
  BobNamedList,
  BobPerson,
  MappedPeopleSearchResult,
} from "../ports/bob-api.js";
import type { PersonMappingResult } from "../mapping/map-person.js";
import type { SyncIssue } from "../mapping/sync-issue.js";
import { settle, type Settled } from "./settled.js";

/** A person read before the field metadata was in: recognised or mapped once it is. */
export interface Pending {
  readonly pending: BobPerson;
  readonly source: string | null;
}
export type Read = PersonMappingResult | Pending;

/** How a fetch maps people once the metadata is in (company-fetch.ts). */
export interface PersonMapping {
  readonly map: (person: BobPerson, source: string | null) => PersonMappingResult;
  readonly recognize: (source: string) => PersonMappingResult | undefined;
}

const NO_ISSUES: SyncIssue[] = Object.freeze([]) as unknown as SyncIssue[];
const ABANDONED: PersonMappingResult = Object.freeze({ record: null, issues: NO_ISSUES });

/**
 * A full people search sent before the field metadata is in, with a guessed field list (the one
 * the company's previous full sync asked for), and the metadata requests sent just before it:
 * a Bob that answers in order then has the metadata out before the search's first bytes, and the
 * people are recognised or mapped as they come. People read before `bind` wait as parsed persons.
 * `abandon` drops the search's answer: the rest of it is read without being parsed, and nothing of
 * it is kept or reported (the metadata stays good).
 */
export class EarlySearch {
  private mapping: PersonMapping | null = null;
  private abandoned = false;
  readonly fields: Promise<Settled<readonly BobFieldDefinition[]>>;
  readonly lists: Promise<Settled<readonly BobNamedList[]>>;
  readonly result: Promise<Settled<MappedPeopleSearchResult<Read>>>;

  constructor(
    bob: BobApi,
    credential: BobCredential,
    readonly fieldIds: readonly string[],
  ) {
    this.fields = settle(bob.fetchFields(credential));
    this.lists = settle(bob.fetchNamedLists(credential));
    this.result = settle(
      bob.searchPeopleMapped<Read>(
        credential,
        { fieldIds, showInactive: true },
        {
          map: (person, source) =>
            this.abandoned
              ? ABANDONED
              : this.mapping === null
                ? { pending: person, source }
                : this.mapping.map(person, source),
          recognize: (source) => (this.abandoned ? ABANDONED : this.mapping?.recognize(source)),
        },
      ),
    );
  }

  bind(mapping: PersonMapping): void {
    this.mapping = mapping;
  }

  abandon(): void {
    this.abandoned = true;
  }
}

export function sameFields(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((f) => set.has(f));
}
