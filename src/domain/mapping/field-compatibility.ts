import type { AttributeType } from "../attributes/attribute.js";
import type { BobFieldType } from "../ports/bob-api.js";

/**
 * Which Peakon attribute types a Bob field type can feed (custom fields match an attribute by
 * name and by these types), the preferred type first. An empty list: Bob's type has no Peakon counterpart.
 */
const COMPATIBLE_TYPES: Readonly<Record<string, readonly AttributeType[]>> = {
  text: ["TEXT", "OPTION"],
  "text-area": ["TEXT", "OPTION"],
  list: ["OPTION", "TEXT"],
  "hierarchy-list": ["OPTION", "TEXT"],
  "multi-list": [],
  number: ["NUMBER", "TEXT"],
  currency: ["NUMBER"],
  date: ["DATE"],
  "short-date": ["TEXT"],
  time: ["TEXT"],
  boolean: ["OPTION", "TEXT"],
  "employee-reference": ["EMPLOYEE"],
  document: [],
};

/** Why a known Bob type fits no attribute type at all; read by admins in the mapping report. */
const NO_COUNTERPART_REASONS: Readonly<Record<string, string>> = {
  "multi-list": "Peakon has no attribute type that holds several values.",
  document: "Peakon attributes cannot hold documents.",
};

/** How the mapping report names a Bob type in a sentence ("is a date"). */
const TYPE_NOUNS: Readonly<Record<string, string>> = {
  text: "a text",
  "text-area": "a text area",
  list: "a list",
  "hierarchy-list": "a hierarchy list",
  "multi-list": "a multi-list",
  number: "a number",
  currency: "a currency amount",
  date: "a date",
  "short-date": "a short date (month and day)",
  time: "a time",
  boolean: "a yes/no (boolean)",
  "employee-reference": "an employee reference",
  document: "a document",
};

export function isKnownBobType(type: BobFieldType): boolean {
  return Object.hasOwn(COMPATIBLE_TYPES, type);
}

/** The attribute types a Bob type can feed; null when Bob's type is not one this sync knows. */
export function compatibleAttributeTypes(type: BobFieldType): readonly AttributeType[] | null {
  return Object.hasOwn(COMPATIBLE_TYPES, type) ? (COMPATIBLE_TYPES[type] ?? null) : null;
}

export function isCompatible(bobType: BobFieldType, attributeType: AttributeType): boolean {
  return compatibleAttributeTypes(bobType)?.includes(attributeType) ?? false;
}

export function bobTypeNoun(type: BobFieldType): string {
  return Object.hasOwn(TYPE_NOUNS, type) ? (TYPE_NOUNS[type] ?? type) : `of type "${type}"`;
}

export function noCounterpartReason(type: BobFieldType): string {
  return (
    (Object.hasOwn(NO_COUNTERPART_REASONS, type) ? NO_COUNTERPART_REASONS[type] : undefined) ??
    "Peakon has no attribute type for it."
  );
}

/** "TEXT or OPTION", "DATE". */
export function listAttributeTypes(types: readonly AttributeType[]): string {
  if (types.length <= 1) return types.join("");
  return `${types.slice(0, -1).join(", ")} or ${types[types.length - 1]}`;
}

/**
 * Why a Bob field cannot go into an attribute of `attributeType`, naming both types; null when it
 * can. Read by admins (mapping report, refused setFieldMapping).
 */
export function typeRefusal(
  bob: { readonly name: string; readonly type: BobFieldType },
  attribute: { readonly name: string; readonly type: AttributeType },
): string | null {
  const compatible = compatibleAttributeTypes(bob.type);
  const both = `Bob field "${bob.name}" is ${bobTypeNoun(bob.type)} (${bob.type}) and Peakon attribute "${attribute.name}" is ${attribute.type}`;
  if (compatible === null)
    return `${both}; this sync does not know Bob's type "${bob.type}", so the field cannot be synced.`;
  if (compatible.length === 0) return `${both}; ${noCounterpartReason(bob.type)}`;
  if (compatible.includes(attribute.type)) return null;
  return `${both}; ${bobTypeNoun(bob.type)} can only go into a ${listAttributeTypes(compatible)} attribute.`;
}
