/**
 * Absent is not empty: Bob omits, silently, the fields of categories a credential cannot see.
 * For any hidden categories and any changes in Bob, a sync (map, then plan) never changes the
 * stored value of a hidden field, and gives the very directory a sync gets when those fields are
 * visible and unchanged.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BobPerson } from "../../src/domain/ports/bob-api.js";
import {
  buildListLookup,
  compilePersonMapper,
  mapFields,
  planSync,
  type EmployeeRecord,
} from "../../src/domain/mapping/index.js";
import { customAttribute, field, standardAttributes, standardBobFields } from "../domain/fixtures.js";

const level = customAttribute("Level", "TEXT", "attr-level");
const fields = [...standardBobFields, field("category_1.level", "Level", "text")];
const attributes = [...standardAttributes, level];
const mapper = compilePersonMapper({
  mappings: mapFields(fields, attributes),
  lists: buildListLookup([
    {
      name: "department",
      items: [
        { id: "d1", name: "Sales", archived: false },
        { id: "d2", name: "R&D", archived: false },
      ],
    },
    { name: "terminationReason", items: [{ id: "r1", name: "Resigned", archived: false }] },
  ]),
  fieldsById: new Map(fields.map((f) => [f.id, f])),
});

/** Bob grants sight per category; root (names, email) is always visible to a service user with basic access. */
const CATEGORY_FIELDS: Record<string, readonly string[]> = {
  work: ["work.employeeIdInCompany", "work.manager", "work.startDate", "work.department"],
  personal: ["personal.birthDate"],
  internal: ["internal.terminationDate", "internal.terminationReason", "internal.lifecycleStatus"],
  employee: ["employee.lastDayOfWork"],
  category_1: ["category_1.level"],
};
const CATEGORIES = Object.keys(CATEGORY_FIELDS);
const IDS = ["1", "2", "3", "4", "5"];

const valuesArb = (bobId: string) =>
  fc.record({
    "root.firstName": fc.constant(`F${bobId}`),
    "root.surname": fc.constantFrom("Lee", "Doe"),
    "root.email": fc.constant(`p${bobId}@acme.test`),
    "work.employeeIdInCompany": fc.constantFrom(null, `E${bobId}`, `X${bobId}`),
    // Managers have smaller ids: no reporting cycle, which the planner would break differently
    // from Bob's raw values than from the stored (already broken) links.
    "work.manager": fc.constantFrom(null, ...IDS.filter((id) => id < bobId)),
    "work.startDate": fc.constantFrom(null, "2020-01-01", "2027-03-01"),
    "work.department": fc.constantFrom(null, "d1", "d2"),
    "personal.birthDate": fc.constantFrom(null, "1980-05-05", "1991-12-31"),
    "internal.terminationDate": fc.constantFrom(null, "2026-05-31", "2026-09-30"),
    "internal.terminationReason": fc.constantFrom(null, "r1"),
    "internal.lifecycleStatus": fc.constantFrom(null, "employed", "garden leave", "terminated"),
    "employee.lastDayOfWork": fc.constantFrom(null, "2026-05-01"),
    "category_1.level": fc.constantFrom(null, "", "Senior", "Junior"),
  });

type Values = Record<string, unknown>;
const person = (bobId: string, values: Values): BobPerson => ({
  id: bobId,
  values: new Map(Object.entries({ "root.id": bobId, ...values })),
});

function mapAll(people: readonly BobPerson[]): EmployeeRecord[] {
  return people.flatMap((p) => mapper(p).record ?? []);
}

/** The directory after a plan is applied. */
function applied(
  directory: ReadonlyMap<string, EmployeeRecord>,
  fetched: readonly EmployeeRecord[],
): Map<string, EmployeeRecord> {
  const plan = planSync({ fetched, directory, fetchComplete: true, issues: [], attributes });
  const result = new Map(directory);
  for (const r of plan.deletes) result.delete(r.bobId);
  for (const u of plan.updates) result.set(u.after.bobId, u.after);
  for (const r of plan.creates) result.set(r.bobId, r);
  return result;
}

/**
 * The directory as plain data. Garden leave is left out: it is derived from three Bob fields, and
 * with one of them hidden the stored answer stays (checked below) where the reference recomputes it.
 */
const plain = (directory: ReadonlyMap<string, EmployeeRecord>) =>
  Object.fromEntries([...directory].map(([id, r]) => [id, { ...r, gardenLeave: undefined }]));

describe("absent is not empty (mapping and planning)", () => {
  it("a sync never changes a hidden field's stored value, and equals a sync where the hidden fields are visible and unchanged", () => {
    const scenario = fc.record({
      before: fc.tuple(...IDS.map(valuesArb)),
      after: fc.tuple(...IDS.map(valuesArb)),
      stillInBob: fc.uniqueArray(fc.constantFrom(...IDS), { minLength: 1 }),
      hidden: fc.uniqueArray(fc.constantFrom(...CATEGORIES)),
    });
    fc.assert(
      fc.property(scenario, ({ before, after, stillInBob, hidden }) => {
        const hiddenFields = hidden.flatMap((c) => CATEGORY_FIELDS[c] ?? []);
        const directory = applied(new Map(), mapAll(IDS.map((id, i) => person(id, before[i] as Values))));
        const inBob = IDS.map((id, i) => ({ id, old: before[i] as Values, now: after[i] as Values })).filter((p) =>
          stillInBob.includes(p.id),
        );

        // What a limited credential gets: the hidden fields are simply not there.
        const seenHidden = inBob.map((p) =>
          person(p.id, Object.fromEntries(Object.entries(p.now).filter(([k]) => !hiddenFields.includes(k)))),
        );
        // The same change with the hidden fields visible and unchanged since the directory was synced.
        const seenUnchanged = inBob.map((p) =>
          person(p.id, { ...p.now, ...Object.fromEntries(hiddenFields.map((k) => [k, p.old[k]])) }),
        );

        const withHidden = applied(directory, mapAll(seenHidden));
        const reference = applied(directory, mapAll(seenUnchanged));
        expect(plain(withHidden)).toEqual(plain(reference));

        // And directly: every stored value a hidden field feeds stays as it was.
        for (const [bobId, record] of withHidden) {
          const stored = directory.get(bobId);
          if (stored === undefined) continue;
          if (hidden.includes("personal")) expect(record.birthDate).toBe(stored.birthDate);
          if (hidden.includes("internal")) {
            expect(record.separationDate).toBe(stored.separationDate);
            expect(record.separationReason).toBe(stored.separationReason);
            // Unless Bob's lifecycle, visible, says garden leave: then that is known.
            expect(record.gardenLeave).toBe(stored.gardenLeave);
          }
          if (hidden.includes("category_1"))
            expect(record.attributes["attr-level"]).toBe(stored.attributes["attr-level"]);
          if (hidden.includes("work")) expect(record.startDate).toBe(stored.startDate);
        }
      }),
      { numRuns: 400 },
    );
  });
});
