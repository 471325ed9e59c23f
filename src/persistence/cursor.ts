import { badInput } from "../domain/errors.js";

/** Opaque keyset cursors: base64url JSON of the sort key values of the last row of a page. */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, keys: readonly string[]): (string | number | null)[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(values) &&
      values.length === keys.length &&
      values.every((v) => v === null || typeof v === "string" || typeof v === "number")
    ) {
      return values as (string | number | null)[];
    }
  } catch {
    // fall through to the clear error below
  }
  throw badInput("The cursor is not one this API gave out.", "after");
}
