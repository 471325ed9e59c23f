import { RECORD_FIELDS, type EmployeeRecord } from "../mapping/employee-record.js";
import type { ChangeAction } from "../mapping/plan.js";

/** What made the gateway change an employee (the contract's ChangeCause). */
export type ChangeCause = "FULL_SYNC" | "SCHEDULED_SYNC" | "APPROVED_SYNC" | "WEBHOOK";

/**
 * One changed value, keyed the way records are: a record field ("firstName") or an attribute id.
 * Keys, not names, are stored so a rename of an attribute does not break the history's values;
 * names are given on read.
 */
export interface StoredFieldChange {
  readonly key: string;
  readonly before: string | null;
  readonly after: string | null;
}

/**
 * The history row a write stores. A CREATE stores no fields: the values it created are the
 * employee's values today with every later change undone (fieldsOfCreates), which keeps an
 * initial sync of 50,000 people from writing every value twice. A DELETE stores every value the
 * employee had, so its history stays readable once the row is gone.
 */
export interface HistoryWrite {
  readonly bobId: string;
  readonly action: ChangeAction;
  readonly fields: readonly StoredFieldChange[] | null;
}

/** Who wrote a plan: every history row of its batches carries it. */
export interface HistoryContext {
  readonly cause: ChangeCause;
  readonly at: Date;
  readonly runId: string | null;
  /** The webhook delivery that named the employee (drains only). */
  readonly deliveryOf?: (bobId: string) => string | null;
}

/** A stored history row, newest first when listed. */
export interface HistoryRow {
  readonly id: string;
  readonly bobId: string;
  readonly at: Date;
  readonly action: ChangeAction;
  readonly cause: ChangeCause;
  readonly runId: string | null;
  readonly deliveryId: string | null;
  readonly fields: readonly StoredFieldChange[] | null;
}

/** Everything that differs between two versions of an employee, record fields first, then attributes by id. */
export function fieldChanges(before: EmployeeRecord, after: EmployeeRecord): StoredFieldChange[] {
  const changes: StoredFieldChange[] = [];
  for (const field of RECORD_FIELDS) {
    if (before[field] !== after[field])
      changes.push({ key: field, before: text(before[field]), after: text(after[field]) });
  }
  const ids = new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes)]);
  for (const id of [...ids].sort()) {
    const was = before.attributes[id] ?? null;
    const now = after.attributes[id] ?? null;
    if (was !== now) changes.push({ key: id, before: was, after: now });
  }
  return changes;
}

/** Every value an employee holds, as changes from nothing (a DELETE's "before", a CREATE's "after"). */
export function valuesOf(record: EmployeeRecord, side: "before" | "after"): StoredFieldChange[] {
  const values: StoredFieldChange[] = [];
  const put = (key: string, value: string | null) => {
    if (value !== null)
      values.push(side === "before" ? { key, before: value, after: null } : { key, before: null, after: value });
  };
  for (const field of RECORD_FIELDS) {
    // Garden leave "false" is no value: a created employee without it shows nothing.
    if (record[field] !== false) put(field, text(record[field]));
  }
  for (const id of Object.keys(record.attributes).sort()) put(id, record.attributes[id] ?? null);
  return values;
}

export function historyOfDelete(record: EmployeeRecord): HistoryWrite {
  return { bobId: record.bobId, action: "DELETE", fields: valuesOf(record, "before") };
}

export function historyOfUpdate(before: EmployeeRecord, after: EmployeeRecord): HistoryWrite {
  return { bobId: after.bobId, action: "UPDATE", fields: fieldChanges(before, after) };
}

export function historyOfCreate(record: EmployeeRecord): HistoryWrite {
  return { bobId: record.bobId, action: "CREATE", fields: null };
}

/**
 * Fills in the fields of every CREATE of one employee's rows (newest first): walking back from
 * the employee as stored today (null once deleted), each UPDATE is undone, a DELETE restores the
 * values it removed, and a CREATE's values are what stood just after it.
 */
export function fieldsOfCreates(rows: readonly HistoryRow[], current: EmployeeRecord | null): HistoryRow[] {
  let state = new Map<string, string>(current ? valuesOf(current, "after").map((v) => [v.key, v.after as string]) : []);
  return rows.map((row) => {
    if (row.action === "UPDATE") {
      for (const change of row.fields ?? []) {
        // Garden leave "false" is no value (valuesOf): undoing a change to it removes it.
        if (change.before === null || (change.key === "gardenLeave" && change.before === "false"))
          state.delete(change.key);
        else state.set(change.key, change.before);
      }
      return row;
    }
    if (row.action === "DELETE") {
      state = new Map((row.fields ?? []).flatMap((v) => (v.before === null ? [] : [[v.key, v.before] as const])));
      return row;
    }
    if (row.fields !== null) return row;
    const fields = [...state].map(([key, after]) => ({ key, before: null, after }));
    state = new Map();
    return { ...row, fields: orderLikeRecords(fields) };
  });
}

/** Record fields in their order, then attributes by id: as valuesOf gives them. */
function orderLikeRecords(fields: StoredFieldChange[]): StoredFieldChange[] {
  const rank = new Map<string, number>(RECORD_FIELDS.map((f, i) => [f, i]));
  return fields.sort((a, b) => {
    const ra = rank.get(a.key) ?? RECORD_FIELDS.length;
    const rb = rank.get(b.key) ?? RECORD_FIELDS.length;
    return ra !== rb ? ra - rb : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

function text(value: string | boolean | null): string | null {
  if (value === null) return null;
  return typeof value === "boolean" ? String(value) : value;
}
