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
  /** read() without a result object: the value, or `missing` when the field is not there. */
  readOr<M>(record: Record<string, unknown>, missing: M): unknown;
}

export function compileFieldReader(fieldId: string): FieldReader {
  const path = nestedPath(fieldId);
  const flat = flatKey(fieldId);
  // Called for every field of every person of a search (over a million times at 50,000):
  // no object per call.
  const readOr = <M>(record: Record<string, unknown>, missing: M): unknown => {
    const nested = walk(record, path, NOT_THERE);
    if (nested !== NOT_THERE) return nested;
    if (Object.hasOwn(record, fieldId)) return record[fieldId];
    if (Object.hasOwn(record, flat)) return unwrapFlat(record[flat]);
    return missing;
  };
  return {
    fieldId,
    path,
    readOr,
    read(record) {
      const value = readOr(record, NOT_THERE);
      return value === NOT_THERE ? NOT_FOUND : { found: true, value };
    },
  };
}

const NOT_THERE: unique symbol = Symbol("not there");

function walk<M>(record: Record<string, unknown>, path: readonly string[], missing: M): unknown {
  let current: unknown = record;
  for (const segment of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return missing;
    current = current[segment];
  }
  // JSON has no undefined, so anything reached (null included: "Bob says empty") was sent.
  return current === undefined ? missing : current;
}
