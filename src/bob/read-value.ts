/**
 * Reads one field's value out of a raw Bob employee record. Bob's contract says a value may
 * come back nested (`{"work": {"department": ...}}`, with `root.*` fields at top level), as
 * a literal dotted key (`"work.department"`, seen in APPEND answers) or flat in slash
 * notation (`"/work/department": {"value": ...}` or a bare value). We accept whichever is there.
 */

export type ReadResult = { readonly found: true; readonly value: unknown } | { readonly found: false };

const NOT_FOUND: ReadResult = { found: false };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Where a field lives in the nested form: `root.x.y` -> [x, y] (root is the top level). */
export function nestedPath(fieldId: string): string[] {
  const parts = fieldId.split(".");
  return parts[0] === "root" && parts.length > 1 ? parts.slice(1) : parts;
}

/** The flat slash key: `work.department` -> `/work/department`, `root.id` -> `/root/id`. */
export function flatKey(fieldId: string): string {
  return `/${fieldId.split(".").join("/")}`;
}

/**
 * A flat value is either `{"value": x}` or bare. Only an object whose sole key is `value`
 * (optionally with `humanReadable`) is a wrapper: a bare currency value `{value, currency}`
 * must stay whole.
 */
export function unwrapFlat(raw: unknown): unknown {
  if (!isPlainObject(raw) || !Object.hasOwn(raw, "value")) return raw;
  const keys = Object.keys(raw);
  return keys.every((k) => k === "value" || k === "humanReadable") ? raw["value"] : raw;
}

export function readFieldValue(record: Record<string, unknown>, fieldId: string): ReadResult {
  return compileFieldReader(fieldId).read(record);
}

/** One field's three possible places, worked out once and then read from many records. */
export interface FieldReader {
  readonly fieldId: string;
  readonly path: readonly string[];
  read(record: Record<string, unknown>): ReadResult;
}

export function compileFieldReader(fieldId: string): FieldReader {
  const path = nestedPath(fieldId);
  const flat = flatKey(fieldId);
  return {
    fieldId,
    path,
    read(record) {
      const nested = walk(record, path);
      if (nested.found) return nested;
      if (Object.hasOwn(record, fieldId)) return { found: true, value: record[fieldId] };
      if (Object.hasOwn(record, flat)) return { found: true, value: unwrapFlat(record[flat]) };
      return NOT_FOUND;
    },
  };
}

function walk(record: Record<string, unknown>, path: readonly string[]): ReadResult {
  let current: unknown = record;
  for (const segment of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return NOT_FOUND;
    current = current[segment];
  }
  // JSON has no undefined, so anything reached (null included: "Bob says empty") was sent.
  return current === undefined ? NOT_FOUND : { found: true, value: current };
}
