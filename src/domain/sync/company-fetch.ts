import type { Attribute } from "../attributes/attribute.js";
import type { AttributeStore } from "../ports/attribute-store.js";
import type { MappingOverrideStore } from "../ports/mapping-override-store.js";
import type {
  BobApi,
  BobCredential,
  BobFieldDefinition,
  BobNamedList,
  BobPerson,
  MappedPeopleSearchResult,
  PersonReading,
} from "../ports/bob-api.js";
import type { EmployeeRecord } from "../mapping/employee-record.js";
import { mapFields, syncedFieldIds } from "../mapping/field-mapping.js";
import type { MappingOverride } from "../mapping/mapping-override.js";
import { buildListLookup } from "../mapping/list-lookup.js";
import { compilePersonMapper, type PersonMappingResult } from "../mapping/map-person.js";
import {
  mappingContextKey,
  recordsBySourceDigest,
  sourceFingerprint,
  withSourceFingerprint,
} from "../mapping/source-fingerprint.js";
import type { SyncIssue } from "../mapping/sync-issue.js";
import { FieldVisibility } from "../mapping/field-visibility.js";
import { EarlySearch, sameFields, type PersonMapping, type Read } from "./early-search.js";
import { KeptMetadata, type MetadataReads } from "./kept-metadata.js";
import { unwrap } from "./settled.js";

export interface FetchedCompany {
  readonly records: EmployeeRecord[];
  readonly issues: SyncIssue[];
  readonly attributes: Attribute[];
  readonly fetched: number;
  /** Bob's field metadata the fetch mapped with. */
  readonly fields: readonly BobFieldDefinition[];
  /** Which requested fields Bob sent for someone (see FieldVisibility). */
  readonly visibility: FieldVisibility;
}

export interface FetchOptions {
  /** Only these Bob ids (webhooks); omitted = everyone, inactive too (a full sync). */
  readonly employeeIds?: readonly string[];
  /**
   * The directory once it is loaded (null until then): from then on a person whose bytes match a
   * stored record's source fingerprint is that record, neither parsed nor mapped.
   */
  readonly stored?: () => ReadonlyMap<string, EmployeeRecord> | null;
}

const NO_ISSUES: SyncIssue[] = Object.freeze([]) as unknown as SyncIssue[];

/**
 * Reads a company from Bob: field metadata, named lists and the company's attributes decide what
 * to ask for and how to map it, then the people search brings everyone with only the fields we
 * sync. Every record mapped without an issue carries its source fingerprint.
 *
 * A full sync does not wait for the metadata before searching: it asks at once for the fields the
 * company's previous full sync asked for (they seldom change), and the metadata arrives while Bob
 * builds its answer. When the metadata calls for other fields, that answer is dropped unread and
 * the search is made again; the cost is one people search of Bob's budget, only then.
 */
/** Companies whose last field list a process remembers (a list is a few hundred bytes). */
export const REMEMBERED_FIELD_LISTS = 10_000;

export class CompanyFetch {
  /**
   * Per company: the fields its last full fetch asked Bob for (this process's memory only), for
   * the REMEMBERED_FIELD_LISTS companies fetched most recently; a forgotten one just waits for its metadata.
   */
  private readonly lastFieldIds = new Map<string, readonly string[]>();

  /** `overrides` absent: no company has any (tests that map by name only). */
  constructor(
    private readonly deps: {
      readonly bob: BobApi;
      readonly attributes: AttributeStore;
      readonly overrides?: MappingOverrideStore | undefined;
      readonly rememberedFieldLists?: number;
    },
  ) {}

  /** Bob's metadata as each company's last fetch read it, for its webhook drains (see KeptMetadata). */
  private readonly kept = new KeptMetadata();

  /** Whether a full fetch of the company can search before the metadata is in (it was fetched before in this process). */
  canGuessFields(companyId: string): boolean {
    return this.lastFieldIds.has(companyId);
  }

  fetch(companyId: string, credential: BobCredential, options: FetchOptions = {}): Promise<FetchedCompany> {
    return this.fetchWith(companyId, credential, options, true);
  }

  /** `mayReuse`: a partial fetch (a webhook drain) may map with the company's kept metadata. */
  private async fetchWith(
    companyId: string,
    credential: BobCredential,
    options: FetchOptions,
    mayReuse: boolean,
  ): Promise<FetchedCompany> {
    const full = options.employeeIds === undefined;
    const guess = full ? this.lastFieldIds.get(companyId) : undefined;
    const early = guess === undefined ? undefined : new EarlySearch(this.deps.bob, credential, guess);
    const kept = full || !mayReuse ? undefined : this.kept.get(companyId, credential);

    let fields: readonly BobFieldDefinition[];
    let lists: readonly BobNamedList[];
    let attributes: Attribute[];
    let overrides: readonly MappingOverride[];
    try {
      // The early search sent the metadata requests just before it.
      const metadata: MetadataReads =
        early !== undefined
          ? { fields: early.fields.then(unwrap), lists: early.lists.then(unwrap) }
          : (kept ?? {
              fields: this.deps.bob.fetchFields(credential),
              lists: this.deps.bob.fetchNamedLists(credential),
            });
      if (kept === undefined) this.kept.keep(companyId, credential, metadata);
      [fields, lists, attributes, overrides] = await Promise.all([
        metadata.fields,
        metadata.lists,
        this.deps.attributes.list(companyId),
        this.deps.overrides?.list(companyId) ?? [],
      ]);
    } catch (error) {
      early?.abandon(); // the early search ends on its own; what it finds is neither kept nor reported
      throw error;
    }
    const ready = new CompanyMapping(fields, lists, attributes, overrides, options.stored);
    const fieldIds = ready.fieldIds;

    let result: MappedPeopleSearchResult<Read>;
    if (early !== undefined && sameFields(early.fieldIds, fieldIds)) {
      early.bind(ready);
      result = unwrap(await early.result);
    } else {
      early?.abandon();
      const request = {
        fieldIds,
        showInactive: true,
        ...(options.employeeIds === undefined ? {} : { employeeIds: options.employeeIds }),
      };
      const reading: PersonReading<Read> =
        options.stored === undefined ? { map: ready.map } : { map: ready.map, recognize: ready.recognize };
      result = await this.deps.bob.searchPeopleMapped<Read>(credential, request, reading);
    }
    if (full) {
      this.lastFieldIds.delete(companyId); // re-inserted last: the map's order is least recent first
      this.lastFieldIds.set(companyId, fieldIds);
      if (this.lastFieldIds.size > (this.deps.rememberedFieldLists ?? REMEMBERED_FIELD_LISTS))
        this.lastFieldIds.delete(this.lastFieldIds.keys().next().value as string);
    }

    const records: EmployeeRecord[] = [];
    const issues: SyncIssue[] = result.problems.map((p) => ({
      bobEmployeeId: p.bobEmployeeId,
      email: null,
      code: "INVALID_RECORD" as const,
      message: p.message,
    }));
    for (const read of result.people) {
      const mapped =
        "pending" in read
          ? ((read.source !== null ? ready.recognize(read.source) : undefined) ?? ready.map(read.pending, read.source))
          : read;
      if (mapped.record) records.push(mapped.record);
      for (const issue of mapped.issues) issues.push(issue);
    }
    // A value the kept lists cannot name may be a list item added since they were read: this
    // drain reads the metadata again and maps with that (one more people search, only then).
    if (kept !== undefined && issues.some((issue) => issue.code === "VALUE_REJECTED")) {
      this.kept.forget(companyId);
      return this.fetchWith(companyId, credential, options, false);
    }
    return {
      records,
      issues,
      attributes,
      fetched: result.people.length + result.problems.length,
      fields,
      visibility: ready.visibility,
    };
  }
}

/** How one fetch maps people: compiled once from the metadata, and the stored records it can recognise. */
class CompanyMapping implements PersonMapping {
  readonly fieldIds: string[];
  readonly visibility: FieldVisibility;
  private readonly mapPerson: (person: BobPerson) => PersonMappingResult;
  private readonly context: string;
  private bySource: Map<string, EmployeeRecord> | null = null;

  constructor(
    fields: readonly BobFieldDefinition[],
    lists: readonly BobNamedList[],
    attributes: readonly Attribute[],
    overrides: readonly MappingOverride[],
    private readonly stored: (() => ReadonlyMap<string, EmployeeRecord> | null) | undefined,
  ) {
    const mappings = mapFields(fields, attributes, overrides);
    this.fieldIds = syncedFieldIds(mappings);
    // Only fields Bob's metadata lists: a field the tenant does not have is absent for everyone, and hidden from no one.
    const known = new Set(fields.map((f) => f.id));
    this.visibility = new FieldVisibility(this.fieldIds.filter((id) => known.has(id)));
    this.mapPerson = compilePersonMapper({
      mappings,
      lists: buildListLookup(lists),
      fieldsById: new Map(fields.map((f) => [f.id, f])),
    });
    this.context = mappingContextKey({ fields, lists, attributes, overrides });
  }

  readonly map = (person: BobPerson, source: string | null): PersonMappingResult => {
    this.visibility.saw(person);
    const mapped = this.mapPerson(person);
    if (mapped.record !== null && mapped.issues.length === 0 && source !== null)
      withSourceFingerprint(mapped.record, sourceFingerprint(this.context, source));
    return mapped;
  };

  readonly recognize = (source: string): PersonMappingResult | undefined => {
    if (this.bySource === null) {
      const directory = this.stored?.() ?? null;
      if (directory === null) return undefined; // not loaded yet: this one is mapped
      this.bySource = recordsBySourceDigest(directory.values(), this.context);
    }
    const record = this.bySource.get(source);
    if (record === undefined) return undefined;
    this.visibility.recognizedOne();
    return { record, issues: NO_ISSUES };
  };
}
