import { attributeNameKey, type Attribute, type StandardAttributeKey } from "../attributes/attribute.js";
import { STANDARD_ATTRIBUTES } from "../attributes/standard-attributes.js";
import type { BobFieldDefinition } from "../ports/bob-api.js";
import {
  bobTypeNoun,
  compatibleAttributeTypes,
  listAttributeTypes,
  noCounterpartReason,
  typeRefusal,
} from "./field-compatibility.js";
import { overridesByFieldId, type MappingOverride } from "./mapping-override.js";
import {
  ALWAYS_FETCHED_FIELD_IDS,
  EMPLOYMENT_STATUS_FIELD_ID,
  EMPLOYMENT_STATUS_NAME,
  LEGACY_GENDER_FIELD_ID,
  LEGAL_GENDER_FIELD_ID,
  RESERVED_FIELD_REASONS,
  STANDARD_FIELD_KEYS,
} from "./standard-fields.js";

export type MappingStatus =
  "STANDARD" | "COMPATIBLE" | "TYPE_MISMATCH" | "NO_MATCHING_ATTRIBUTE" | "AMBIGUOUS" | "OVERRIDDEN";

/** How one Bob field maps to Peakon: the contract's FieldMapping, plus the field's standard role. */
export interface FieldMapping {
  readonly bobFieldId: string;
  readonly bobFieldName: string;
  readonly bobFieldType: string;
  readonly attribute: Attribute | null;
  readonly status: MappingStatus;
  /** Plain words for every status but STANDARD and COMPATIBLE. */
  readonly reason: string | null;
  /**
   * The standard role this Bob field plays, set even when the company lacks that standard
   * attribute: the employee record still needs the name, email and dates it carries.
   */
  readonly standardKey: StandardAttributeKey | null;
}

/**
 * Explains every Bob field: the standard mapping it serves, the admin's override it follows, the
 * custom attribute of the same name and a compatible type it feeds, or why it feeds nothing.
 * Keeps the order of `fields`.
 *
 * Overrides apply to custom fields only, into custom attributes only (setFieldMapping refuses the
 * rest; one that no longer fits, say its attribute became standard, is ignored). An overridden
 * field leaves name matching: its namesakes are no longer AMBIGUOUS because of it, and an
 * attribute it feeds is no longer matched by name (one Bob field per attribute).
 */
export function mapFields(
  fields: readonly BobFieldDefinition[],
  attributes: readonly Attribute[],
  overrides: readonly MappingOverride[] = [],
): FieldMapping[] {
  const standardKeys = standardKeysByFieldId(fields);
  const overridable = overridableFields(fields, standardKeys);
  const applied = appliedOverrides(overridable, attributes, overrides);
  const claimedBy = new Map<string, BobFieldDefinition>();
  for (const field of overridable) {
    const target = applied.get(field.id);
    if (target && typeRefusal(field, target) === null) claimedBy.set(target.id, field);
  }
  const customFields = overridable.filter((f) => !applied.has(f.id));
  const customByNameKey = groupBy(customFields, (f) => attributeNameKey(f.name));

  return fields.map((field) => {
    const standardKey = standardKeys.get(field.id);
    if (standardKey !== undefined) return standardMapping(field, standardKey, attributes);
    const reserved = RESERVED_FIELD_REASONS.get(field.id);
    if (reserved !== undefined) return unmapped(field, "NO_MATCHING_ATTRIBUTE", reserved);
    if (isSupersededGender(field, fields)) {
      return unmapped(
        field,
        "NO_MATCHING_ATTRIBUTE",
        `Gender is synced from Bob field ${LEGAL_GENDER_FIELD_ID}; this older gender field is not used.`,
      );
    }
    if (applied.has(field.id)) return overriddenMapping(field, applied.get(field.id) ?? null);
    const namesakes = (customByNameKey.get(attributeNameKey(field.name)) ?? []).filter((f) => f.id !== field.id);
    if (namesakes.length > 0) {
      const others = namesakes.map((f) => f.id).join(", ");
      return unmapped(
        field,
        "AMBIGUOUS",
        `Other Bob fields have the same name "${field.name}" (${others}); rename all but one in Bob so the sync knows which to use.`,
      );
    }
    return customMapping(field, attributes, claimedBy);
  });
}

/**
 * The custom fields: those an admin may override. Not standard fields, not the ones the sync
 * reads for itself or Bob derives, not the older gender field a newer one supersedes.
 */
export function overridableFields(
  fields: readonly BobFieldDefinition[],
  standardKeys: ReadonlyMap<string, StandardAttributeKey> = standardKeysByFieldId(fields),
): BobFieldDefinition[] {
  return fields.filter(
    (f) => !standardKeys.has(f.id) && !RESERVED_FIELD_REASONS.has(f.id) && !isSupersededGender(f, fields),
  );
}

/** Whether the mapping feeds a custom attribute: matched by name, or by an admin's override. */
export function feedsCustomAttribute(mapping: FieldMapping): boolean {
  return mapping.attribute !== null && (mapping.status === "COMPATIBLE" || mapping.status === "OVERRIDDEN");
}

/**
 * The Bob field ids a full fetch must ask for: everything a mapped attribute or the employee
 * record needs, plus the ids and lifecycle fields the sync reads itself.
 */
export function syncedFieldIds(mappings: readonly FieldMapping[]): string[] {
  const ids = new Set<string>(ALWAYS_FETCHED_FIELD_IDS);
  for (const m of mappings) {
    if (m.standardKey !== null || feedsCustomAttribute(m)) ids.add(m.bobFieldId);
  }
  return [...ids];
}

function standardKeysByFieldId(fields: readonly BobFieldDefinition[]): Map<string, StandardAttributeKey> {
  const keys = new Map<string, StandardAttributeKey>();
  for (const field of fields) {
    const key = STANDARD_FIELD_KEYS.get(field.id);
    if (key !== undefined) keys.set(field.id, key);
  }
  if (!fields.some((f) => f.id === LEGAL_GENDER_FIELD_ID)) {
    for (const f of fields) if (f.id === LEGACY_GENDER_FIELD_ID) keys.set(f.id, "gender");
  }
  // Employment status lives at different ids across tenants; by name only when the id is absent
  // and exactly one field carries the name (several go on to be reported AMBIGUOUS).
  if (!fields.some((f) => f.id === EMPLOYMENT_STATUS_FIELD_ID)) {
    const statusKey = attributeNameKey(EMPLOYMENT_STATUS_NAME);
    const named = fields.filter(
      (f) => !keys.has(f.id) && !RESERVED_FIELD_REASONS.has(f.id) && attributeNameKey(f.name) === statusKey,
    );
    const only = named.length === 1 ? named[0] : undefined;
    if (only !== undefined) keys.set(only.id, "type");
  }
  return keys;
}

function isSupersededGender(field: BobFieldDefinition, fields: readonly BobFieldDefinition[]): boolean {
  return field.id === LEGACY_GENDER_FIELD_ID && fields.some((f) => f.id === LEGAL_GENDER_FIELD_ID);
}

function standardMapping(
  field: BobFieldDefinition,
  key: StandardAttributeKey,
  attributes: readonly Attribute[],
): FieldMapping {
  const attribute = attributes.find((a) => a.standardKey === key);
  if (attribute !== undefined) return { ...row(field), attribute, status: "STANDARD", reason: null, standardKey: key };
  const name = STANDARD_ATTRIBUTES.find((s) => s.key === key)?.name ?? key;
  return {
    ...row(field),
    attribute: null,
    status: "NO_MATCHING_ATTRIBUTE",
    reason: `Feeds the standard Peakon attribute "${name}", which this company does not have.`,
    standardKey: key,
  };
}

/** The overrides that apply, by field id: the target custom attribute, or null (excluded). */
function appliedOverrides(
  overridable: readonly BobFieldDefinition[],
  attributes: readonly Attribute[],
  overrides: readonly MappingOverride[],
): Map<string, Attribute | null> {
  const byField = overridesByFieldId(overrides);
  const applied = new Map<string, Attribute | null>();
  for (const field of overridable) {
    if (!byField.has(field.id)) continue;
    const attributeId = byField.get(field.id) ?? null;
    if (attributeId === null) {
      applied.set(field.id, null);
      continue;
    }
    const target = attributes.find((a) => a.id === attributeId && !a.standard);
    if (target !== undefined) applied.set(field.id, target);
  }
  return applied;
}

function overriddenMapping(field: BobFieldDefinition, attribute: Attribute | null): FieldMapping {
  if (attribute === null) {
    return {
      ...unmapped(
        field,
        "OVERRIDDEN",
        "Excluded by an admin: this Bob field is never synced. Clear the override to match it by name again.",
      ),
      attribute: null,
    };
  }
  const refusal = typeRefusal(field, attribute);
  if (refusal !== null) {
    // Bob's type changed after the override was set: nothing is synced until an admin decides again.
    return {
      ...row(field),
      attribute,
      status: "TYPE_MISMATCH",
      reason: `An admin mapped this field into Peakon attribute "${attribute.name}", but ${refusal} Change or clear the override.`,
      standardKey: null,
    };
  }
  return {
    ...row(field),
    attribute,
    status: "OVERRIDDEN",
    reason: `Mapped by an admin into Peakon attribute "${attribute.name}" (${attribute.type}) instead of by name.`,
    standardKey: null,
  };
}

function customMapping(
  field: BobFieldDefinition,
  attributes: readonly Attribute[],
  claimedBy: ReadonlyMap<string, BobFieldDefinition>,
): FieldMapping {
  const nameKey = attributeNameKey(field.name);
  const attribute = attributes.find((a) => !a.standard && attributeNameKey(a.name) === nameKey);
  const claimant = attribute === undefined ? undefined : claimedBy.get(attribute.id);
  if (attribute !== undefined && claimant !== undefined) {
    return unmapped(
      field,
      "NO_MATCHING_ATTRIBUTE",
      `Peakon attribute "${attribute.name}" has this field's name, but an admin mapped Bob field "${claimant.name}" (${claimant.id}) into it, and an attribute takes one Bob field. Map this field to another attribute or exclude it.`,
    );
  }
  const compatible = compatibleAttributeTypes(field.type);
  const mismatchPrefix = attribute ? `Peakon attribute "${attribute.name}" is ${attribute.type} but ` : "";
  const status = attribute ? "TYPE_MISMATCH" : "NO_MATCHING_ATTRIBUTE";

  if (compatible === null) {
    return {
      ...unmapped(
        field,
        status,
        `${mismatchPrefix}Bob field "${field.name}" has type "${field.type}", which this sync does not know; it cannot be synced.`,
      ),
      attribute: attribute ?? null,
    };
  }
  if (compatible.length === 0) {
    return {
      ...unmapped(
        field,
        status,
        `${mismatchPrefix}Bob field "${field.name}" is ${bobTypeNoun(field.type)}; ${noCounterpartReason(field.type)}`,
      ),
      attribute: attribute ?? null,
    };
  }
  if (attribute === undefined) {
    const standard = attributes.find((a) => a.standard && attributeNameKey(a.name) === nameKey);
    if (standard !== undefined) {
      return unmapped(
        field,
        "NO_MATCHING_ATTRIBUTE",
        `"${standard.name}" is a standard Peakon attribute, fed only by its standard Bob field. Rename this Bob field and create an attribute (${listAttributeTypes(compatible)}) of that name to sync it.`,
      );
    }
    return unmapped(
      field,
      "NO_MATCHING_ATTRIBUTE",
      `No Peakon attribute is named "${field.name}". Create one (${listAttributeTypes(compatible)}) to sync this field.`,
    );
  }
  if (compatible.includes(attribute.type)) {
    return { ...row(field), attribute, status: "COMPATIBLE", reason: null, standardKey: null };
  }
  const noun = bobTypeNoun(field.type);
  return {
    ...row(field),
    attribute,
    status: "TYPE_MISMATCH",
    reason: `${mismatchPrefix}Bob field "${field.name}" is ${noun}; ${noun} can only go into a ${listAttributeTypes(compatible)} attribute.`,
    standardKey: null,
  };
}

function row(field: BobFieldDefinition): Pick<FieldMapping, "bobFieldId" | "bobFieldName" | "bobFieldType"> {
  return { bobFieldId: field.id, bobFieldName: field.name, bobFieldType: field.type };
}

function unmapped(field: BobFieldDefinition, status: MappingStatus, reason: string): FieldMapping {
  return { ...row(field), attribute: null, status, reason, standardKey: null };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
