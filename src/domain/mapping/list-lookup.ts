import type { BobNamedList } from "../ports/bob-api.js";

/** Named list name (a field's listId) -> item id -> item name. */
export type ListLookup = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** Archived items stay resolvable: employees may still hold them. */
export function buildListLookup(lists: readonly BobNamedList[]): ListLookup {
  return new Map(lists.map((list) => [list.name, new Map(list.items.map((item) => [String(item.id), item.name]))]));
}
