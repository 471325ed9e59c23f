import type { AttributeType, StandardAttributeKey } from "../attributes/attribute.js";
import { STANDARD_ATTRIBUTES } from "../attributes/standard-attributes.js";
import type { BobFieldDefinition, BobPerson } from "../ports/bob-api.js";
import { toAttributeValue } from "./attribute-value.js";
import { toCalendarDate } from "./calendar-date.js";
import type { EmployeeRecord, RecordField } from "./employee-record.js";
import { feedsCustomAttribute, type FieldMapping } from "./field-mapping.js";
import type { ListLookup } from "./list-lookup.js";
import { LAST_DAY_OF_WORK_FIELD_ID, LIFECYCLE_STATUS_FIELD_ID, STANDARD_SOURCE_PRIORITY } from "./standard-fields.js";
import type { SyncIssue } from "./sync-issue.js";
import { withUnseenFields } from "./unseen-fields.js";

/** The record field each standard attribute also fills. */
const RECORD_FIELD_OF: Partial<Record<StandardAttributeKey, RecordField>> = {
  employeeId: "employeeNumber",
  email: "email",
  manager: "managerBobId",
  tenure: "startDate",
  age: "birthDate",
  separationDate: "separationDate",
  separationReason: "separationReason",
};

export interface PersonMappingContext {
  readonly mappings: readonly FieldMapping[];
  readonly lists: ListLookup;
  readonly fieldsById: ReadonlyMap<string, BobFieldDefinition>;
}

export interface PersonMappingResult {
  /** Null when the person cannot be an employee in Peakon (see issues). */
  readonly record: EmployeeRecord | null;
  readonly issues: SyncIssue[];
}

const LOOSE_EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Turns one Bob person into the Peakon employee record. A value Peakon cannot take drops only
 * that attribute (VALUE_REJECTED); a person without first or last name is skipped (MISSING_NAME).
 */
export function mapPerson(person: BobPerson, ctx: PersonMappingContext): PersonMappingResult {
  return compilePersonMapper(ctx)(person);
}

/** One mapping, with everything that does not depend on the person worked out ahead. */
interface CompiledSource {
  readonly bobFieldId: string;
  readonly target: AttributeType;
  readonly field: BobFieldDefinition;
  readonly standardKey: StandardAttributeKey | null;
  /** The attribute this source feeds, when it feeds one. */
  readonly attributeId: string | null;
  readonly rejectedInto: string;
}

/**
 * mapPerson for many people under one context: sources are ordered and typed once, not once
 * per person (a full sync maps every employee Bob has with the same context).
 */
export function compilePersonMapper(ctx: PersonMappingContext): (person: BobPerson) => PersonMappingResult {
  const sources: CompiledSource[] = [];
  for (const mapping of sourcesInPriorityOrder(ctx.mappings)) {
    const target = targetType(mapping);
    if (target === null) continue;
    const feedsAttribute =
      mapping.attribute !== null && (mapping.status === "STANDARD" || feedsCustomAttribute(mapping));
    sources.push({
      bobFieldId: mapping.bobFieldId,
      target,
      field: ctx.fieldsById.get(mapping.bobFieldId) ?? fieldFromMapping(mapping),
      standardKey: mapping.standardKey,
      attributeId: feedsAttribute && mapping.attribute ? mapping.attribute.id : null,
      rejectedInto: mapping.attribute ? ` into Peakon attribute "${mapping.attribute.name}"` : "",
    });
  }
  // Per record field and attribute, the sources that feed it: when Bob sent none of them, the
  // stored value stays (absent is not empty, see unseen-fields.ts).
  const recordFieldSources = new Map<RecordField, number[]>();
  const attributeSources = new Map<string, number[]>();
  sources.forEach((source, i) => {
    const field = source.standardKey === null ? undefined : RECORD_FIELD_OF[source.standardKey];
    if (field !== undefined) recordFieldSources.set(field, [...(recordFieldSources.get(field) ?? []), i]);
    if (source.attributeId !== null)
      attributeSources.set(source.attributeId, [...(attributeSources.get(source.attributeId) ?? []), i]);
  });
  const gardenLeaveInputs = [LIFECYCLE_STATUS_FIELD_ID, LAST_DAY_OF_WORK_FIELD_ID].filter((id) =>
    ctx.fieldsById.has(id),
  );
  const emailAttributeIds = ctx.mappings
    .filter((m) => m.standardKey === "email" && m.attribute)
    .map((m) => (m.attribute as { id: string }).id);

  return (person) => {
    const rawEmail = person.values.get("root.email");
    const issueEmail = typeof rawEmail === "string" && rawEmail.trim() !== "" ? rawEmail.trim() : null;
    const issues: SyncIssue[] = [];
    const issue = (code: SyncIssue["code"], message: string) =>
      issues.push({ bobEmployeeId: person.id || null, email: issueEmail, code, message });

    if (person.id.trim() === "") {
      issue("INVALID_RECORD", "Bob returned an employee without an id; it was skipped.");
      return { record: null, issues };
    }

    const standard: Partial<Record<StandardAttributeKey, string>> = {};
    const attributes: Record<string, string> = {};
    let absent: boolean[] | null = null;
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i] as CompiledSource;
      if (!person.values.has(source.bobFieldId)) {
        (absent ??= new Array<boolean>(sources.length).fill(false))[i] = true;
        continue;
      }
      const converted = toAttributeValue(person.values.get(source.bobFieldId), source.field, source.target, ctx.lists);
      if (!converted.ok) {
        issue(
          "VALUE_REJECTED",
          `Bob field "${source.field.name}" (${source.field.id}) ${converted.problem}; it was not synced${source.rejectedInto}.`,
        );
        continue;
      }
      if (converted.value === null) continue;
      if (source.standardKey !== null && standard[source.standardKey] === undefined)
        standard[source.standardKey] = converted.value;
      if (source.attributeId !== null && !Object.hasOwn(attributes, source.attributeId))
        attributes[source.attributeId] = converted.value;
    }

    const email = standard.email ?? null;
    if (email !== null && !LOOSE_EMAIL.test(email)) {
      issue("VALUE_REJECTED", `Email "${email}" is not an email address; the employee was synced without one.`);
      delete standard.email;
      for (const id of emailAttributeIds) delete attributes[id];
    }

    const firstName = standard.firstName;
    const lastName = standard.lastName;
    if (firstName === undefined || lastName === undefined) {
      const missing = [firstName === undefined ? "first name" : null, lastName === undefined ? "last name" : null]
        .filter((m) => m !== null)
        .join(" and ");
      issue("MISSING_NAME", `Bob employee ${person.id} has no ${missing}; the employee was skipped.`);
      return { record: null, issues };
    }

    const separationDate = standard.separationDate ?? null;
    const record: EmployeeRecord = {
      bobId: person.id,
      employeeNumber: standard.employeeId ?? null,
      firstName,
      lastName,
      email: standard.email ?? null,
      managerBobId: standard.manager ?? null,
      startDate: standard.tenure ?? null,
      birthDate: standard.age ?? null,
      separationDate,
      separationReason: standard.separationReason ?? null,
      gardenLeave: isGardenLeave(person, separationDate),
      attributes,
    };
    const recordFields: RecordField[] = [];
    const attributeIds: string[] = [];
    if (absent !== null) {
      const missing = absent;
      const none = (indexes: readonly number[]) => indexes.every((i) => missing[i]);
      for (const [field, indexes] of recordFieldSources) if (none(indexes)) recordFields.push(field);
      for (const [id, indexes] of attributeSources) if (none(indexes)) attributeIds.push(id);
    }
    // Garden leave is derived: Bob's lifecycle saying so settles it; otherwise, unless Bob sent every
    // input it has (lifecycle, last day of work, termination date), the stored answer stays.
    if (
      !record.gardenLeave &&
      (recordFields.includes("separationDate") || gardenLeaveInputs.some((id) => !person.values.has(id)))
    )
      recordFields.push("gardenLeave");
    withUnseenFields(record, { recordFields, attributeIds });
    return { record, issues };
  };
}

/** Bob says so (lifecycle "garden leave"), or the last day of work comes before the termination date. */
function isGardenLeave(person: BobPerson, separationDate: string | null): boolean {
  const lifecycle = person.values.get(LIFECYCLE_STATUS_FIELD_ID);
  if (typeof lifecycle === "string" && lifecycle.toLowerCase().replace(/[^a-z]/g, "") === "gardenleave") return true;
  const lastDay = person.values.get(LAST_DAY_OF_WORK_FIELD_ID);
  const lastDayDate = typeof lastDay === "string" ? toCalendarDate(lastDay) : null;
  return lastDayDate !== null && separationDate !== null && lastDayDate < separationDate;
}

/** Standard fields always carry a value (the record needs it); custom ones only when they feed an attribute (by name or override). */
function targetType(mapping: FieldMapping): AttributeType | null {
  if (mapping.standardKey !== null) {
    return mapping.attribute?.type ?? STANDARD_ATTRIBUTES.find((s) => s.key === mapping.standardKey)?.type ?? null;
  }
  return feedsCustomAttribute(mapping) && mapping.attribute ? mapping.attribute.type : null;
}

/** Several sources of one attribute (reportsTo, manager): the earlier in the priority list wins. */
function sourcesInPriorityOrder(mappings: readonly FieldMapping[]): FieldMapping[] {
  const rank = (m: FieldMapping) => {
    const i = STANDARD_SOURCE_PRIORITY.indexOf(m.bobFieldId);
    return i === -1 ? STANDARD_SOURCE_PRIORITY.length : i;
  };
  return [...mappings].sort((a, b) => rank(a) - rank(b));
}

function fieldFromMapping(mapping: FieldMapping): BobFieldDefinition {
  return {
    id: mapping.bobFieldId,
    name: mapping.bobFieldName,
    type: mapping.bobFieldType,
    categoryId: "",
    jsonPath: mapping.bobFieldId,
  };
}
