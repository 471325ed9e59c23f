/**
 * A CREATE's history row stores no values: they are derived on read by undoing every later
 * change from the employee as stored today (or from a DELETE's values). For any sequence of
 * creations, updates and deletions of one employee, what is derived for each CREATE is exactly
 * what it created, and each UPDATE lists exactly what differs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fieldsOfCreates,
  historyOfCreate,
  historyOfDelete,
  historyOfUpdate,
  valuesOf,
  type HistoryRow,
  type HistoryWrite,
} from "../../src/domain/history/employee-history.js";
import type { EmployeeRecord } from "../../src/domain/mapping/employee-record.js";

const maybe = (values: string[]) => fc.option(fc.constantFrom(...values), { nil: null });
const record: fc.Arbitrary<EmployeeRecord> = fc.record({
  bobId: fc.constant("e1"),
  employeeNumber: maybe(["1", "2"]),
  firstName: fc.constantFrom("Ann", "Bo"),
  lastName: fc.constantFrom("Lee", "Ray"),
  email: maybe(["a@x.example", "b@x.example"]),
  managerBobId: maybe(["m1", "m2"]),
  startDate: maybe(["2020-01-01", "2021-02-03"]),
  birthDate: maybe(["1990-05-05"]),
  separationDate: maybe(["2026-07-01"]),
  separationReason: maybe(["Resigned", "Retired"]),
  gardenLeave: fc.boolean(),
  attributes: fc.dictionary(fc.constantFrom("attr-a", "attr-b", "attr-c"), fc.constantFrom("x", "y", "")),
});

type Step = { kind: "write"; record: EmployeeRecord } | { kind: "delete" };
const steps = fc.array(
  fc.oneof(fc.record({ kind: fc.constant("write" as const), record }), fc.constant({ kind: "delete" as const })),
  { maxLength: 12 },
);

const asMap = (fields: HistoryRow["fields"]) => new Map((fields ?? []).map((f) => [f.key, f.after]));

describe("history reconstruction", () => {
  it("derives every CREATE's values and lists each UPDATE's differences exactly", () => {
    fc.assert(
      fc.property(steps, (plan) => {
        let current: EmployeeRecord | null = null;
        const writes: HistoryWrite[] = [];
        const created: EmployeeRecord[] = [];
        for (const step of plan) {
          if (step.kind === "delete") {
            if (current) writes.push(historyOfDelete(current));
            current = null;
          } else if (current === null) {
            writes.push(historyOfCreate(step.record));
            created.push(step.record);
            current = step.record;
          } else {
            const update = historyOfUpdate(current, step.record);
            // Exactly the keys whose value differs.
            for (const f of update.fields ?? []) expect(f.before).not.toBe(f.after);
            if ((update.fields ?? []).length > 0) writes.push(update);
            current = step.record;
          }
        }
        const rows: HistoryRow[] = writes
          .map((w, i) => ({
            ...w,
            id: String(i + 1),
            at: new Date(0),
            cause: "FULL_SYNC",
            runId: null,
            deliveryId: null,
          }))
          .reverse();
        const derived = fieldsOfCreates(rows, current);
        const creates = derived.filter((r) => r.action === "CREATE").reverse();
        expect(creates).toHaveLength(created.length);
        creates.forEach((row, i) =>
          expect(asMap(row.fields)).toEqual(asMap(valuesOf(created[i] as EmployeeRecord, "after"))),
        );
      }),
      { numRuns: 500 },
    );
  });
});
