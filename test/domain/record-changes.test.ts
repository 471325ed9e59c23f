import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attributeNamesById, changedFieldNames, compileChangedFieldNames } from "../../src/domain/mapping/index.js";
import { customAttribute, employee, standardAttributes } from "./fixtures.js";

describe("compileChangedFieldNames", () => {
  it("names a new employee's fields as changedFieldNames does, record fields first, then labels in order", () => {
    const names = attributeNamesById([
      ...standardAttributes,
      customAttribute("Level", "OPTION", "attr-level"),
      customAttribute("Desk", "NUMBER", "attr-desk"),
    ]);
    const after = employee("1", {
      attributes: { "attr-level": "Senior", "attr-desk": "12", "std-manager": "2" },
      managerBobId: "2",
    });
    const compiled = compileChangedFieldNames(names)(null, after);
    expect(compiled).toEqual(changedFieldNames(null, after, names));
    expect(compiled.slice(-2)).toEqual(["Desk", "Level"]);
    expect(compiled.filter((n) => n === "Manager")).toHaveLength(1);
  });

  // Labels that repeat, that equal a record field's name ("Manager", "Email"), ids without a
  // label: the cases where a precomputed order could drift from the per-employee sort.
  const ids = ["a", "b", "c", "d", "e", "unnamed"] as const;
  const labels = fc.constantFrom("Manager", "Email", "Level", "Level", "Age", "Zone", "zone", "Ä");
  const attributeNames = fc
    .dictionary(fc.constantFrom(...ids.slice(0, 5)), labels)
    .map((d) => new Map(Object.entries(d)));
  const attributes = fc.dictionary(fc.constantFrom(...ids), fc.constantFrom("x", "y"));
  const record = fc
    .record({
      firstName: fc.constantFrom("Ann", "Bo"),
      email: fc.option(fc.constantFrom("a@x.test", "b@x.test"), { nil: null }),
      managerBobId: fc.option(fc.constantFrom("7", "8"), { nil: null }),
      gardenLeave: fc.boolean(),
      attributes,
    })
    .map((r) => employee("1", r));

  it("property: gives exactly what changedFieldNames gives, for new and for changed employees", () => {
    fc.assert(
      fc.property(attributeNames, fc.option(record, { nil: null }), record, (names, before, after) => {
        expect(compileChangedFieldNames(names)(before, after)).toEqual(changedFieldNames(before, after, names));
      }),
      { numRuns: 2000 },
    );
  });
});
