import type { EmployeeRecord, RecordField } from "./employee-record.js";
import { fingerprintOf, withSourceFingerprint } from "./source-fingerprint.js";

/**
 * What Bob left out of a person's JSON: the record fields and attribute ids none of whose Bob
 * sources was there. Bob silently omits fields the credential may not see, so absent says nothing
 * about the value: the stored value stays (keepUnseenValues). Only an explicit null or empty
 * value clears one.
 */
export interface UnseenFields {
  readonly recordFields: readonly RecordField[];
  readonly attributeIds: readonly string[];
}

/** Rides beside the record by identity, like its source fingerprint: nothing is stored. */
const unseen = new WeakMap<EmployeeRecord, UnseenFields>();

export function unseenOf(record: EmployeeRecord): UnseenFields | null {
  return unseen.get(record) ?? null;
}

export function withUnseenFields<T extends EmployeeRecord>(record: T, fields: UnseenFields): T {
  if (fields.recordFields.length > 0 || fields.attributeIds.length > 0) unseen.set(record, fields);
  return record;
}

/**
 * The fetched record with what Bob did not send taken from the stored one. It keeps the
 * fetched record's source fingerprint: the same bytes later give this same record again, since
 * the values they lack come from the record stored with them.
 */
export function keepUnseenValues(fetched: EmployeeRecord, stored: EmployeeRecord): EmployeeRecord {
  const fields = unseen.get(fetched);
  if (fields === undefined) return fetched;
  const merged: Record<string, unknown> = { ...fetched };
  for (const field of fields.recordFields) merged[field] = stored[field];
  if (fields.attributeIds.length > 0) {
    const attributes: Record<string, string> = { ...fetched.attributes };
    for (const id of fields.attributeIds) {
      const value = stored.attributes[id];
      if (value === undefined) delete attributes[id];
      else attributes[id] = value;
    }
    merged["attributes"] = attributes;
  }
  return withSourceFingerprint(merged as unknown as EmployeeRecord, fingerprintOf(fetched));
}
