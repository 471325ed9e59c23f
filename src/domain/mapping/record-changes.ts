import type { Attribute } from "../attributes/attribute.js";
import { changedAttributeIds, RECORD_FIELD_NAMES, RECORD_FIELDS, type EmployeeRecord } from "./employee-record.js";

/**
 * The names (Peakon attribute names, as the change log shows them) of what differs between two
 * versions of an employee; `before` null = a new employee, so every field with a value counts.
 * A standard attribute and the record field it mirrors share a name and are listed once.
 */
export function changedFieldNames(
  before: EmployeeRecord | null,
  after: EmployeeRecord,
  attributeNames: ReadonlyMap<string, string>,
): string[] {
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

/**
 * changedFieldNames with the attribute labels put in order once, not per employee: an initial
 * sync names every field of every new employee (50,000 sorts of 25 labels otherwise). Gives
 * exactly what changedFieldNames gives; an attribute id without a name takes the general path.
 */
export function compileChangedFieldNames(
  attributeNames: ReadonlyMap<string, string>,
): (before: EmployeeRecord | null, after: EmployeeRecord) => string[] {
  const recordNames = new Set<string>(Object.values(RECORD_FIELD_NAMES));
  const ordered = [...attributeNames]
    .map(([id, label]) => ({ id, label }))
    .sort((a, b) => compareText(a.label, b.label));
  // A label shared with a record field or an earlier attribute may already be listed.
  const mayRepeat = ordered.map(
    (entry, i) => recordNames.has(entry.label) || (i > 0 && ordered[i - 1]?.label === entry.label),
  );
  const empty: Readonly<Record<string, string>> = {};
  return (before, after) => {
    const names: string[] = [];
    for (const field of RECORD_FIELDS) {
      const was = before === null ? emptyValue(field) : before[field];
      if (was !== after[field]) names.push(RECORD_FIELD_NAMES[field]);
    }
    const was = before?.attributes ?? empty;
    const now = after.attributes;
    let namedKeys = 0;
    for (let i = 0; i < ordered.length; i++) {
      const { id, label } = ordered[i] as { id: string; label: string };
      const inWas = Object.hasOwn(was, id);
      const inNow = Object.hasOwn(now, id);
      if (inWas) namedKeys++;
      if (inNow) namedKeys++;
      if (was[id] !== now[id] && (inWas || inNow) && !(mayRepeat[i] && names.includes(label))) names.push(label);
    }
    if (namedKeys !== countKeys(was) + countKeys(now)) return changedFieldNames(before, after, attributeNames);
    return names;
  };
}

function countKeys(record: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const key in record) if (Object.hasOwn(record, key)) n++;
  return n;
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
