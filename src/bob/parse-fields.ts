import type { BobFieldDefinition } from "../domain/ports/bob-api.js";
import { nestedPath } from "./read-value.js";
import { rawFieldSchema, rawFieldsResponseSchema } from "./raw-schemas.js";
import { describeZodError } from "./zod-message.js";

export interface SkippedEntry {
  /** Position in Bob's answer, and the id when one was readable. */
  readonly index: number;
  readonly id: string | null;
  readonly reason: string;
}

export type FieldsParse =
  | { readonly ok: true; readonly fields: BobFieldDefinition[]; readonly skipped: SkippedEntry[] }
  | { readonly ok: false; readonly reason: string };

/**
 * GET /company/people/fields -> field definitions. A body that is not an array is a bad answer;
 * a malformed entry is skipped (and reported) so one odd custom field cannot block a sync.
 */
export function parseFields(json: unknown): FieldsParse {
  const list = rawFieldsResponseSchema.safeParse(json);
  if (!list.success) return { ok: false, reason: "the field list is not a JSON array" };
  const fields: BobFieldDefinition[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  list.data.forEach((entry, index) => {
    const parsed = rawFieldSchema.safeParse(entry);
    if (!parsed.success) {
      skipped.push({ index, id: readableId(entry), reason: describeZodError(parsed.error) });
      return;
    }
    const f = parsed.data;
    if (seen.has(f.id)) {
      skipped.push({ index, id: f.id, reason: "duplicate field id" });
      return;
    }
    seen.add(f.id);
    const listId = f.typeData?.listId;
    fields.push({
      id: f.id,
      name: f.name,
      type: f.type,
      categoryId: (f.categoryId ?? f.category) as string,
      ...(f.categoryDisplayName ? { categoryName: f.categoryDisplayName } : {}),
      // Bob documents jsonPath on every field; if one lacks it, the id says where it lives.
      jsonPath: f.jsonPath ?? nestedPath(f.id).join("."),
      ...(listId === null || listId === undefined ? {} : { listId: String(listId) }),
    });
  });
  return { ok: true, fields, skipped };
}

function readableId(entry: unknown): string | null {
  if (typeof entry !== "object" || entry === null) return null;
  const id = (entry as { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? String(id) : null;
}
