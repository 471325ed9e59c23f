import type { Attribute } from "../attributes/attribute.js";
import { changedAttributeIds, RECORD_FIELD_NAMES, RECORD_FIELDS, type EmployeeRecord } from "./employee-record.js";

/**
 * The names (Peakon attribute names, as the change log shows them) of what differs between two
 * versions of an employee; `before` null = a new employee, so every field with a value counts.
 * A standard attribute and the record field it mirrors share a name and are listed once.
 */
export function changedFieldNames(before: EmployeeRecord | null, after: EmployeeRecord, attributeNames: ReadonlyMap<string, string>): string[] {
  const names = new Set<string>();
  for (const field of RECORD_FIELDS) {
    const was = before === null ? emptyValue(field) : before[field];
    if (was !== after[field]) names.add(RECORD_FIELD_NAMES[field]);
  }
  const attributeIds = changedAttributeIds(before?.attributes ?? {}, after.attributes);
  const attributeLabels = attributeIds.map((id) => attributeNames.get(id) ?? id).sort(compareText);
  for (const label of attributeLabels) names.add(label);
  return [...names];
}

export function attributeNamesById(attributes: readonly Attribute[]): Map<string, string> {
  return new Map(attributes.map((a) => [a.id, a.name]));
}

function emptyValue(field: (typeof RECORD_FIELDS)[number]): string | boolean | null {
  return field === "gardenLeave" ? false : null;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
