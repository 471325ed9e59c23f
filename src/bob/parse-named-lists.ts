import type { BobListItem, BobNamedList } from "../domain/ports/bob-api.js";
import { isPlainObject } from "./read-value.js";
import { rawListItemSchema, rawNamedListSchema } from "./raw-schemas.js";
import { describeZodError } from "./zod-message.js";

export interface SkippedListPart {
  readonly list: string | null;
  readonly reason: string;
}

export type NamedListsParse =
  | { readonly ok: true; readonly lists: BobNamedList[]; readonly skipped: SkippedListPart[] }
  | { readonly ok: false; readonly reason: string };

/**
 * GET /company/named-lists. Bob's OpenAPI says an array of `{name, items}`; the bobhr gem
 * reads an object keyed by list name. Unconfirmed which is real, so both are accepted.
 * Hierarchy children are flattened into the list (each keeps its own id).
 */
export function parseNamedLists(json: unknown): NamedListsParse {
  const skipped: SkippedListPart[] = [];
  const lists: BobNamedList[] = [];
  let entries: { fallbackName: string | null; raw: unknown }[];
  if (Array.isArray(json)) entries = json.map((raw) => ({ fallbackName: null, raw }));
  else if (isPlainObject(json)) entries = Object.entries(json).map(([key, raw]) => ({ fallbackName: key, raw }));
  else return { ok: false, reason: "the named lists are neither a JSON array nor an object" };

  for (const { fallbackName, raw } of entries) {
    // Object form may map a name straight to its items.
    const shaped = Array.isArray(raw) ? { items: raw } : raw;
    const parsed = rawNamedListSchema.safeParse(shaped);
    if (!parsed.success) {
      skipped.push({ list: fallbackName, reason: describeZodError(parsed.error) });
      continue;
    }
    const name = parsed.data.name ?? fallbackName;
    const rawItems = parsed.data.items ?? parsed.data.values;
    if (!name || !rawItems) {
      skipped.push({ list: name ?? null, reason: name ? "list has no items array" : "list has no name" });
      continue;
    }
    const items: BobListItem[] = [];
    flatten(rawItems, false, name, items, skipped);
    lists.push({ name, items });
  }
  return { ok: true, lists, skipped };
}

/** Depth-first, parents before children. A child of an archived parent counts as archived. */
function flatten(
  rawItems: readonly unknown[],
  parentArchived: boolean,
  list: string,
  out: BobListItem[],
  skipped: SkippedListPart[],
): void {
  for (const raw of rawItems) {
    const parsed = rawListItemSchema.safeParse(raw);
    if (!parsed.success) {
      skipped.push({ list, reason: `item skipped: ${describeZodError(parsed.error)}` });
      continue;
    }
    const item = parsed.data;
    const id = String(item.id);
    const label = item.name ?? item.value;
    const archived = parentArchived || item.archived === true;
    if (label === null || label === undefined) skipped.push({ list, reason: `item ${id} has neither name nor value` });
    else out.push({ id, name: label, archived });
    if (item.children) flatten(item.children, archived, list, out, skipped);
  }
}
