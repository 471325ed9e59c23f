import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailKey, planningScope, type EmployeeRecord } from "../../src/domain/mapping/index.js";
import { SqlDirectoryStore } from "../../src/persistence/stores/directory-store.js";
import { employee } from "../domain/fixtures.js";
import { selectScope } from "../support/planning-scope-reference.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

const ids = Array.from({ length: 14 }, (_, i) => String(i + 1));
const bobId = fc.constantFrom(...ids);
// What lower() in SQL and emailKey() in JavaScript might disagree on: case, whitespace, non-ASCII.
const email = fc.option(
  fc.constantFrom(
    "a@x.test",
    "A@X.test",
    " b@x.test",
    "b@x.test\t",
    "\u212Aim@x.test",
    "kim@x.test",
    "Ä@x.test",
    "ä@x.test",
    "İ@x.test",
    "c@x.test",
  ),
  { nil: null },
);
// What btrim() in SQL and employeeNumberKey() (String.prototype.trim) might disagree on: ASCII and
// Unicode spaces, U+180E (a space no longer), case, leading zeros, nothing but spaces. (A leading
// U+FEFF does not survive the driver's text decoding, stored or not, so it trails here.)
const employeeNumber = fc.option(
  fc.constantFrom("7", " 7", "7\t", "\u00a07", "7\u3000", "7\ufeff", "\u180e7", "07", "A1", "a1", "", "  "),
  { nil: null },
);
const record = fc
  .record({ bobId, email, employeeNumber, managerBobId: fc.option(bobId, { nil: null }) })
  .map((r) => employee(r.bobId, r));
const directory = fc.uniqueArray(record, { selector: (r) => r.bobId, maxLength: 14 });

/** Rows any scope may bring along: their email is not plain ASCII, so SQL cannot fold it. */
const unfoldable = (r: EmployeeRecord) => r.email !== null && (/\s/.test(r.email) || /[^\x00-\x7f]/.test(r.email));

describe("DirectoryStore.loadScope (SQL) against the reference selection", () => {
  let h: SyncHarness;
  let store: SqlDirectoryStore;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0 });
    store = new SqlDirectoryStore(h.gw.gateway.db);
  });
  afterAll(async () => h?.close());

  it("property: returns every row the reference selects, and beyond it only rows with unfoldable emails", async () => {
    const cases = fc.sample(
      fc.tuple(
        directory,
        fc.uniqueArray(record, { selector: (r) => r.bobId, maxLength: 5 }),
        fc.uniqueArray(bobId, { maxLength: 2 }),
      ),
      { numRuns: 40, seed: 20261130 },
    );
    for (const [rows, fetched, named] of cases) {
      const current = await store.loadRecords(h.companyId);
      await store.applyBatch(h.companyId, { deletes: [...current.keys()], updates: [], creates: rows });
      const whole = new Map(rows.map((r) => [r.bobId, r]));
      const scope = planningScope(named, fetched);
      const expected = selectScope(whole, scope);
      const loaded = await store.loadScope(h.companyId, scope);
      for (const [id, r] of expected) expect(loaded.get(id), `row ${id} for scope ${JSON.stringify(scope)}`).toEqual(r);
      for (const [id, r] of loaded)
        if (!expected.has(id)) expect(unfoldable(r), `extra row ${id} (${JSON.stringify(r.email)})`).toBe(true);
    }
  });

  it("follows a manager chain to its top, and stops going round a reporting cycle", async () => {
    const current = await store.loadRecords(h.companyId);
    const rows = [
      employee("1", { managerBobId: "2", email: "one@x.test" }),
      employee("2", { managerBobId: "3", email: "two@x.test" }),
      employee("3", { managerBobId: null, email: "three@x.test" }),
      employee("4", { managerBobId: "5", email: "four@x.test" }),
      employee("5", { managerBobId: "4", email: "five@x.test" }),
      employee("6", { managerBobId: "1", email: "six@x.test" }),
    ];
    await store.applyBatch(h.companyId, { deletes: [...current.keys()], updates: [], creates: rows });
    const scope = planningScope(
      ["9"],
      [employee("9", { managerBobId: "1", email: "FIVE@x.test" }), employee("8", { managerBobId: "4", email: null })],
    );
    const loaded = await store.loadScope(h.companyId, scope);
    expect([...loaded.keys()].sort()).toEqual(["1", "2", "3", "4", "5"]); // 6 reports to 1: below, not above
    expect(emailKey(loaded.get("5")?.email ?? null)).toBe("five@x.test");
  });
});
