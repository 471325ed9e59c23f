import { describe, expect, it } from "vitest";
import type { BobPerson } from "../../src/domain/ports/bob-api.js";
import { DomainError } from "../../src/domain/errors.js";
import { buildListLookup, mapFields, mapPerson } from "../../src/domain/mapping/index.js";
import { checkOverride } from "../../src/domain/mapping/override-check.js";
import { mappingContextKey } from "../../src/domain/mapping/source-fingerprint.js";
import { customAttribute, field, standardAttributes, standardBobFields } from "./fixtures.js";

const costCenter = customAttribute("Cost center", "TEXT");
const budget = customAttribute("Budget code", "OPTION");
const hired = customAttribute("Hired on", "DATE");
const attributes = [...standardAttributes, costCenter, budget, hired];
const fields = [
  ...standardBobFields,
  field("c.cost", "Cost center", "text"),
  field("c.kst", "Kostenstelle", "text"),
  field("c.tags", "Tags", "multi-list"),
];

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("checkOverride", () => {
  it("accepts a custom field into a compatible custom attribute, and an exclusion", () => {
    expect(checkOverride(fields, attributes, [], { bobFieldId: "c.kst", attributeId: budget.id })).toEqual({
      bobFieldId: "c.kst",
      attributeId: budget.id,
    });
    expect(checkOverride(fields, attributes, [], { bobFieldId: "c.cost", attributeId: null })).toEqual({
      bobFieldId: "c.cost",
      attributeId: null,
    });
    // Re-stating a field's own mapping is no conflict with itself.
    expect(checkOverride(fields, attributes, [], { bobFieldId: "c.cost", attributeId: costCenter.id })).toEqual({
      bobFieldId: "c.cost",
      attributeId: costCenter.id,
    });
  });

  it("refuses an incompatible type, naming both types", () => {
    const error = refusal(() => checkOverride(fields, attributes, [], { bobFieldId: "c.kst", attributeId: hired.id }));
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.message).toContain("a text (text)");
    expect(error.message).toContain('Peakon attribute "Hired on" is DATE');
    expect(
      refusal(() => checkOverride(fields, attributes, [], { bobFieldId: "c.tags", attributeId: budget.id })).message,
    ).toContain("several values");
  });

  it("refuses unknown fields and attributes as NOT_FOUND", () => {
    expect(
      refusal(() => checkOverride(fields, attributes, [], { bobFieldId: "c.nope", attributeId: null })),
    ).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("c.nope") });
    expect(
      refusal(() => checkOverride(fields, attributes, [], { bobFieldId: "c.kst", attributeId: "nope" })),
    ).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("nope") });
  });

  it("refuses standard fields (remap or exclude), reserved fields and standard attributes", () => {
    for (const attributeId of [null, costCenter.id]) {
      const error = refusal(() => checkOverride(fields, attributes, [], { bobFieldId: "root.email", attributeId }));
      expect(error.code).toBe("BAD_USER_INPUT");
      expect(error.message).toContain('standard Peakon attribute "Email"');
    }
    expect(
      refusal(() => checkOverride(fields, attributes, [], { bobFieldId: "root.id", attributeId: null })).message,
    ).toContain("Used by the sync itself");
    expect(
      refusal(() => checkOverride(fields, attributes, [], { bobFieldId: "c.kst", attributeId: "std-department" }))
        .message,
    ).toContain('"Department" is a standard Peakon attribute');
  });

  it("refuses a target another field already feeds, by name or by an override", () => {
    const byName = refusal(() =>
      checkOverride(fields, attributes, [], { bobFieldId: "c.kst", attributeId: costCenter.id }),
    );
    expect(byName).toMatchObject({
      code: "BAD_USER_INPUT",
      message: expect.stringContaining('Bob field "Cost center" (c.cost), matched by name'),
    });
    const overridden = [{ bobFieldId: "c.kst", attributeId: budget.id }];
    const byOverride = refusal(() =>
      checkOverride([...fields, field("c.other", "Other", "text")], attributes, overridden, {
        bobFieldId: "c.other",
        attributeId: budget.id,
      }),
    );
    expect(byOverride.message).toContain('Bob field "Kostenstelle" (c.kst), mapped by an admin');
    // Once the namesake is excluded, its attribute is free.
    expect(
      checkOverride(fields, attributes, [{ bobFieldId: "c.cost", attributeId: null }], {
        bobFieldId: "c.kst",
        attributeId: costCenter.id,
      }).attributeId,
    ).toBe(costCenter.id);
  });
});

describe("overrides in the sync's mapping", () => {
  const lists = buildListLookup([]);
  const person = (values: Record<string, unknown>): BobPerson => ({
    id: "1",
    values: new Map(Object.entries({ "root.id": "1", "root.firstName": "Jane", "root.surname": "Doe", ...values })),
  });
  const ctx = (overrides: { bobFieldId: string; attributeId: string | null }[]) => ({
    mappings: mapFields(fields, attributes, overrides),
    lists,
    fieldsById: new Map(fields.map((f) => [f.id, f])),
  });

  it("mapPerson puts the value where the override says, and nowhere when the field is excluded", () => {
    const values = { "c.cost": "CC-1", "c.kst": "K-9" };
    const custom = (overrides: { bobFieldId: string; attributeId: string | null }[]) =>
      Object.fromEntries(
        Object.entries(mapPerson(person(values), ctx(overrides)).record?.attributes ?? {}).filter(([id]) =>
          id.startsWith("custom-"),
        ),
      );
    expect(custom([])).toEqual({ [costCenter.id]: "CC-1" });
    expect(custom([{ bobFieldId: "c.kst", attributeId: budget.id }])).toEqual({
      [costCenter.id]: "CC-1",
      [budget.id]: "K-9",
    });
    expect(custom([{ bobFieldId: "c.cost", attributeId: null }])).toEqual({});
  });

  it("a changed override changes the mapping context, so every employee is mapped again", () => {
    const base = { fields, lists: [], attributes };
    const none = mappingContextKey(base);
    expect(mappingContextKey({ ...base, overrides: [] })).toBe(none);
    const one = mappingContextKey({ ...base, overrides: [{ bobFieldId: "c.kst", attributeId: budget.id }] });
    const other = mappingContextKey({ ...base, overrides: [{ bobFieldId: "c.kst", attributeId: null }] });
    expect(new Set([none, one, other]).size).toBe(3);
    // Order does not matter.
    const two = [
      { bobFieldId: "c.kst", attributeId: budget.id },
      { bobFieldId: "c.cost", attributeId: null },
    ];
    expect(mappingContextKey({ ...base, overrides: two })).toBe(
      mappingContextKey({ ...base, overrides: [...two].reverse() }),
    );
  });
});
