import type { Caller } from "../caller.js";
import { badInput } from "../errors.js";
import { pageSize } from "../paging.js";
import type { AttributeStore } from "../ports/attribute-store.js";
import type { DirectoryStore } from "../ports/directory-store.js";
import type { HistoryStore } from "../ports/history-store.js";
import { RECORD_FIELD_NAMES, type RecordField } from "../mapping/employee-record.js";
import { fieldsOfCreates, type HistoryRow } from "./employee-history.js";

/** One change of one employee as admins read it: field names, not keys. */
export interface HistoryEntry extends Omit<HistoryRow, "fields"> {
  readonly fields: readonly { readonly name: string; readonly before: string | null; readonly after: string | null }[];
}

export interface HistoryPage {
  readonly entries: readonly { readonly cursor: string; readonly entry: HistoryEntry }[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
}

/** A value of an attribute that has since been deleted: its name is gone with it. */
export const DELETED_ATTRIBUTE = "(deleted attribute)";

/** Per-employee history: what the gateway changed, when, why, and each value before and after. */
export class HistoryService {
  constructor(
    private readonly deps: {
      readonly history: HistoryStore;
      readonly directory: DirectoryStore;
      readonly attributes: AttributeStore;
    },
  ) {}

  async employeeHistory(
    caller: Caller,
    bobId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<HistoryPage> {
    const size = pageSize(first, 50);
    const histories = await this.historiesOf(caller, [bobId]);
    return pageOf(histories.get(bobId) ?? [], size, after ?? null);
  }

  /** The whole history of each named employee, newest first (one statement per store, whatever the number). */
  async historiesOf(caller: Caller, bobIds: readonly string[]): Promise<Map<string, HistoryEntry[]>> {
    const [rows, current, attributes] = await Promise.all([
      this.deps.history.rowsOf(caller.companyId, bobIds),
      this.deps.directory.byBobIds(caller.companyId, bobIds),
      this.deps.attributes.list(caller.companyId),
    ]);
    const currentOf = new Map(current.map((e) => [e.bobId, e]));
    const attributeNames = new Map(attributes.map((a) => [a.id, a.name]));
    const named = new Map<string, HistoryEntry[]>();
    for (const [bobId, list] of rows) {
      named.set(
        bobId,
        fieldsOfCreates(list, currentOf.get(bobId) ?? null).map((row) => nameFields(row, attributeNames)),
      );
    }
    return named;
  }
}

/** Newest first, `size` after the cursor's entry. */
export function pageOf(entries: readonly HistoryEntry[], size: number, after: string | null | undefined): HistoryPage {
  let start = 0;
  if (after !== null && after !== undefined) {
    const id = cursorId(after);
    start = entries.findIndex((e) => BigInt(e.id) < id);
    if (start < 0) start = entries.length;
  }
  const slice = entries.slice(start, start + size);
  return {
    entries: slice.map((entry) => ({ cursor: Buffer.from(entry.id).toString("base64url"), entry })),
    totalCount: entries.length,
    hasNextPage: start + size < entries.length,
  };
}

function cursorId(cursor: string): bigint {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[0-9]{1,19}$/.test(text)) throw badInput("The cursor is not one this API gave out.", "after");
  return BigInt(text);
}

/**
 * Keys become names; a standard attribute that mirrors a record field (same name) is listed once,
 * as the change log lists it.
 */
function nameFields(row: HistoryRow, attributeNames: ReadonlyMap<string, string>): HistoryEntry {
  const fields: { name: string; before: string | null; after: string | null }[] = [];
  const seen = new Set<string>();
  for (const change of row.fields ?? []) {
    const name = Object.hasOwn(RECORD_FIELD_NAMES, change.key)
      ? RECORD_FIELD_NAMES[change.key as RecordField]
      : (attributeNames.get(change.key) ?? DELETED_ATTRIBUTE);
    if (seen.has(name) && name !== DELETED_ATTRIBUTE) continue;
    seen.add(name);
    fields.push({ name, before: change.before, after: change.after });
  }
  return { ...row, fields };
}
