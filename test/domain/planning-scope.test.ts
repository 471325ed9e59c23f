import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  planningScope,
  planSync,
  type EmployeeRecord,
  type SyncIssue,
  type SyncPlan,
} from "../../src/domain/mapping/index.js";
import { selectScope } from "../support/planning-scope-reference.js";
import { customAttribute, employee, standardAttributes } from "./fixtures.js";

const attributes = [...standardAttributes, customAttribute("Level", "OPTION", "attr-level")];
const ids = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
const bobId = fc.constantFrom(...ids);
// Case, whitespace and non-ASCII variants: emailKey() folds them, SQL must not miss them.
const email = fc.option(
  fc.constantFrom(
    "a@x.test",
    "A@x.test",
    " b@x.test",
    "b@x.test",
    "\u212Aim@x.test",
    "kim@x.test",
    "Ä@x.test",
    "ä@x.test",
    "c@x.test",
  ),
  { nil: null },
);
// Employee IDs are trimmed (also of non-ASCII spaces) and otherwise exact: case and leading zeros count.
const employeeNumber = fc.option(fc.constantFrom("7", " 7", "7\u00a0", "07", "8", "A1", "a1", "", " "), { nil: null });
const record = fc
  .record({
    bobId,
    email,
    employeeNumber,
    managerBobId: fc.option(bobId, { nil: null }),
    lastName: fc.constantFrom("Lee", "Doe"),
    level: fc.option(fc.constantFrom("Junior", "Senior"), { nil: null }),
  })
  .map(({ level, ...r }) =>
    employee(r.bobId, {
      ...r,
      attributes: {
        ...(level === null ? {} : { "attr-level": level }),
        ...(r.managerBobId === null ? {} : { "std-manager": r.managerBobId }),
      },
    }),
  );

/**
 * A directory as the planner leaves it: one record per Bob id, no two emails alike. Employee IDs
 * may repeat, as in a directory synced before they were checked.
 */
const directory = fc.array(record, { maxLength: 12 }).map((records) => {
  const byId = new Map<string, EmployeeRecord>();
  const keys = new Set<string>();
  for (const r of records) {
    const key = r.email?.trim().toLowerCase() ?? null;
    if (byId.has(r.bobId) || (key !== null && keys.has(key))) continue;
    byId.set(r.bobId, r);
    if (key !== null) keys.add(key);
  }
  return byId;
});

const issueKey = (i: SyncIssue) => `${i.code} ${i.bobEmployeeId} ${i.message}`;
/** What a drain applies, and the issues regardless of order. */
const outcome = (plan: SyncPlan) => ({
  creates: plan.creates,
  updates: plan.updates,
  deletes: plan.deletes,
  skipped: plan.skipped,
  changes: plan.changes,
  issues: plan.issues.map(issueKey).sort(),
});

describe("planning a webhook drain over its scope of the directory", () => {
  it("property: plans exactly what planning over the whole directory plans", () => {
    fc.assert(
      fc.property(
        directory,
        fc.uniqueArray(record, { selector: (r) => r.bobId, maxLength: 6 }),
        fc.uniqueArray(bobId, { maxLength: 3 }),
        (dir, fetchedAll, skippedOrDeleted) => {
          const fetched = fetchedAll.filter((r) => !skippedOrDeleted.includes(r.bobId));
          const issues: SyncIssue[] = skippedOrDeleted
            .slice(0, 1)
            .map((id) => ({ bobEmployeeId: id, email: null, code: "MISSING_NAME", message: "no first name" }));
          const named = [...fetched.map((r) => r.bobId), ...skippedOrDeleted];
          const input = { fetched, fetchComplete: false, issues, attributes };
          const whole = planSync({ ...input, directory: dir });
          const scoped = planSync({ ...input, directory: selectScope(dir, planningScope(named, fetched)) });
          expect(outcome(scoped)).toEqual(outcome(whole));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("names the fetched and the named employees, their emails folded, their Employee IDs trimmed, and their new managers", () => {
    const fetched = [
      employee("1", { email: " Ann@X.test", employeeNumber: " E7 ", managerBobId: "9" }),
      employee("2", { email: null, employeeNumber: " ", managerBobId: "9" }),
    ];
    expect(planningScope(["1", "3"], fetched)).toEqual({
      bobIds: ["1", "3", "2"],
      emailKeys: ["ann@x.test"],
      employeeNumberKeys: ["E7"],
      managerBobIds: ["9"],
    });
  });
});
