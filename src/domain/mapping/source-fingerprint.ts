import { createHash } from "node:crypto";
import type { Attribute } from "../attributes/attribute.js";
import type { BobFieldDefinition, BobNamedList } from "../ports/bob-api.js";
import type { EmployeeRecord } from "./employee-record.js";
import { sortedOverrides, type MappingOverride } from "./mapping-override.js";

/**
 * Bump whenever mapPerson (or anything it calls: attribute values, dates, lists) would turn the
 * same Bob person into a different record. Stored fingerprints carry it, so after such a change
 * every employee is mapped afresh once instead of keeping what the old code made of them.
 * test/domain/mapping-version.test.ts pins the mapper's output and fails until it is bumped.
 */
export const MAPPING_VERSION = 1;

/**
 * Which Bob bytes, read under which mapping context, a record is exactly the mapping of:
 * `<context>.<digest>`. The context is everything mapPerson depends on besides the person
 * (field metadata, named lists, the company's attributes, the admins' field-mapping overrides,
 * MAPPING_VERSION); the digest is the
 * SHA-256 of the person's JSON exactly as Bob sent it. A record with a fingerprint is the mapper's
 * whole output for those bytes (no issue, no link the planner dropped): when a later answer holds
 * the same bytes under the same context, the stored record is what mapping them again would
 * give, so a resync need not parse or map the people Bob did not change.
 *
 * Fingerprints ride beside records by identity: a record copied or rebuilt (the planner dropping a
 * manager link, a held plan read back) has none, and is stored without one.
 */
const fingerprints = new WeakMap<EmployeeRecord, string>();

export function fingerprintOf(record: EmployeeRecord): string | null {
  return fingerprints.get(record) ?? null;
}

/** Marks `record` as exactly the mapping of the source `fingerprint` names (null: of nothing known). */
export function withSourceFingerprint<T extends EmployeeRecord>(record: T, fingerprint: string | null): T {
  if (fingerprint === null) fingerprints.delete(record);
  else fingerprints.set(record, fingerprint);
  return record;
}

/** The context part of a fingerprint: a digest of everything mapping depends on besides the person. */
export function mappingContextKey(context: {
  readonly fields: readonly BobFieldDefinition[];
  readonly lists: readonly BobNamedList[];
  readonly attributes: readonly Attribute[];
  readonly overrides?: readonly MappingOverride[];
}): string {
  // Without overrides the text is what it was before they existed: upgrading re-maps nobody.
  const overrides = sortedOverrides(context.overrides ?? []);
  const text = JSON.stringify(
    overrides.length === 0
      ? [MAPPING_VERSION, context.fields, context.lists, context.attributes]
      : [MAPPING_VERSION, context.fields, context.lists, context.attributes, overrides],
  );
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

export function sourceFingerprint(contextKey: string, digest: string): string {
  return `${contextKey}.${digest}`;
}

/**
 * The stored records whose fingerprint was taken under `contextKey`, by the digest of their source:
 * what a resync can recognise before parsing. Records under another context are left out (they
 * are mapped again, and get the new context's fingerprint).
 */
export function recordsBySourceDigest(
  records: Iterable<EmployeeRecord>,
  contextKey: string,
): Map<string, EmployeeRecord> {
  const prefix = `${contextKey}.`;
  const bySource = new Map<string, EmployeeRecord>();
  for (const record of records) {
    const fingerprint = fingerprints.get(record);
    if (fingerprint !== undefined && fingerprint.startsWith(prefix))
      bySource.set(fingerprint.slice(prefix.length), record);
  }
  return bySource;
}
