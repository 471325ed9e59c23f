import { describe, expect, it } from "vitest";
import type { AttributeType } from "../../src/domain/attributes/attribute.js";
import { mapFields, syncedFieldIds, type FieldMapping, type MappingStatus } from "../../src/domain/mapping/index.js";
import { customAttribute, field, standardAttributes, standardBobFields } from "./fixtures.js";

const byId = (mappings: FieldMapping[], id: string): FieldMapping => {
  const found = mappings.find((m) => m.bobFieldId === id);
  if (!found) throw new Error(`no mapping for ${id}`);
  return found;
};

describe("standard field mapping", () => {
  const mappings = mapFields(standardBobFields, standardAttributes);

  it.each([
    ["root.firstName", "First name"],
    ["root.surname", "Last name"],
    ["root.email", "Email"],
    ["work.employeeIdInCompany", "Employee ID"],
    ["work.reportsTo", "Manager"],
    ["work.manager", "Manager"],
    ["personal.birthDate", "Age"],
    ["home.legalGender", "Gender"],
    ["work.title", "Title"],
    ["work.startDate", "Tenure"],
    ["work.site", "Office"],
    ["work.department", "Department"],
    ["payroll.employment.type", "Type"],
    ["internal.terminationDate", "Separation date"],
    ["internal.terminationReason", "Separation reason"],
  ])("%s feeds the standard attribute %s", (bobFieldId, attributeName) => {
    const mapping = byId(mappings, bobFieldId);
    expect(mapping.status).toBe("STANDARD");
    expect(mapping.attribute?.name).toBe(attributeName);
    expect(mapping.reason).toBeNull();
    expect(mapping.standardKey).toBe(mapping.attribute?.standardKey);
  });

  it("explains every Bob field, in the order Bob lists them", () => {
    expect(mappings.map((m) => m.bobFieldId)).toEqual(standardBobFields.map((f) => f.id));
    for (const m of mappings) {
      if (m.status !== "STANDARD" && m.status !== "COMPATIBLE") expect(m.reason).toMatch(/\S/);
    }
  });

  it("reports the sync's own bookkeeping fields as not attributes, saying why", () => {
    expect(byId(mappings, "root.id")).toMatchObject({
      status: "NO_MATCHING_ATTRIBUTE",
      attribute: null,
      reason: "Used by the sync itself (Bob id); not an attribute.",
    });
    for (const id of [
      "root.displayName",
      "root.fullName",
      "internal.status",
      "internal.lifecycleStatus",
      "employee.lastDayOfWork",
    ]) {
      expect(byId(mappings, id).status).toBe("NO_MATCHING_ATTRIBUTE");
      expect(byId(mappings, id).reason).toMatch(/\S/);
    }
  });

  it("takes Gender from personal.gender only when home.legalGender is absent", () => {
    const legacy = field("personal.gender", "Gender", "text");
    const withoutLegal = mapFields([legacy], standardAttributes);
    expect(byId(withoutLegal, "personal.gender")).toMatchObject({ status: "STANDARD", attribute: { name: "Gender" } });

    const withBoth = mapFields([field("home.legalGender", "Legal gender", "list", "g"), legacy], standardAttributes);
    expect(byId(withBoth, "home.legalGender").status).toBe("STANDARD");
    expect(byId(withBoth, "personal.gender")).toMatchObject({ status: "NO_MATCHING_ATTRIBUTE", attribute: null });
    expect(byId(withBoth, "personal.gender").reason).toContain("home.legalGender");
  });

  it("finds Employment status by name when the tenant keeps it elsewhere", () => {
    const mappings = mapFields(
      [field("category_1.field_2", "  employment   STATUS ", "list", "x")],
      standardAttributes,
    );
    expect(byId(mappings, "category_1.field_2")).toMatchObject({
      status: "STANDARD",
      attribute: { name: "Type" },
      standardKey: "type",
    });
  });

  it("reports two fields named Employment status (and no payroll.employment.type) as ambiguous", () => {
    const mappings = mapFields(
      [field("a.f1", "Employment status", "list"), field("b.f2", "Employment Status", "text")],
      standardAttributes,
    );
    expect(mappings.map((m) => m.status)).toEqual(["AMBIGUOUS", "AMBIGUOUS"]);
  });

  it("keeps the standard role when the company lacks the standard attribute", () => {
    const withoutGender = standardAttributes.filter((a) => a.standardKey !== "gender");
    const mapping = byId(mapFields(standardBobFields, withoutGender), "home.legalGender");
    expect(mapping).toMatchObject({ status: "NO_MATCHING_ATTRIBUTE", attribute: null, standardKey: "gender" });
    expect(mapping.reason).toContain('"Gender"');
  });
});

describe("custom field mapping", () => {
  const attributeTypes: AttributeType[] = ["TEXT", "OPTION", "NUMBER", "DATE", "EMPLOYEE"];
  /** Custom fields: Bob type -> compatible Peakon types. */
  const compatibility: Record<string, AttributeType[]> = {
    text: ["TEXT", "OPTION"],
    "text-area": ["TEXT", "OPTION"],
    list: ["OPTION", "TEXT"],
    "hierarchy-list": ["OPTION", "TEXT"],
    "multi-list": [],
    number: ["NUMBER", "TEXT"],
    currency: ["NUMBER"],
    date: ["DATE"],
    "short-date": ["TEXT"],
    time: ["TEXT"],
    boolean: ["OPTION", "TEXT"],
    "employee-reference": ["EMPLOYEE"],
    document: [],
    "geo-location": [],
  };
  const matrix = Object.entries(compatibility).flatMap(([bobType, compatible]) =>
    attributeTypes.map((attributeType) => ({
      bobType,
      attributeType,
      expected: (compatible.includes(attributeType) ? "COMPATIBLE" : "TYPE_MISMATCH") as MappingStatus,
    })),
  );

  it.each(matrix)(
    "a Bob $bobType field against a $attributeType attribute is $expected",
    ({ bobType, attributeType, expected }) => {
      const attribute = customAttribute("Cost center", attributeType);
      const [mapping] = mapFields(
        [field("work.custom.field_1", "Cost center", bobType)],
        [...standardAttributes, attribute],
      );
      expect(mapping?.status).toBe(expected);
      expect(mapping?.attribute).toEqual(attribute);
      if (expected === "COMPATIBLE") {
        expect(mapping?.reason).toBeNull();
      } else {
        // Both types named, in plain words.
        expect(mapping?.reason).toContain(`Peakon attribute "Cost center" is ${attributeType}`);
        expect(mapping?.reason).toContain('Bob field "Cost center"');
      }
    },
  );

  it("says a date only goes into a DATE attribute", () => {
    const [mapping] = mapFields([field("c.f", "Cost center", "date")], [customAttribute("Cost center", "NUMBER")]);
    expect(mapping?.reason).toBe(
      'Peakon attribute "Cost center" is NUMBER but Bob field "Cost center" is a date; a date can only go into a DATE attribute.',
    );
  });

  it("says why a multi-list never maps", () => {
    const [withAttribute] = mapFields(
      [field("c.f", "Shirt size", "multi-list")],
      [customAttribute("Shirt size", "OPTION")],
    );
    expect(withAttribute?.reason).toBe(
      'Peakon attribute "Shirt size" is OPTION but Bob field "Shirt size" is a multi-list; Peakon has no attribute type that holds several values.',
    );
    const [withoutAttribute] = mapFields([field("c.f", "Shirt size", "multi-list")], standardAttributes);
    expect(withoutAttribute).toMatchObject({ status: "NO_MATCHING_ATTRIBUTE", attribute: null });
    expect(withoutAttribute?.reason).toBe(
      'Bob field "Shirt size" is a multi-list; Peakon has no attribute type that holds several values.',
    );
  });

  it("says when Bob's type is unknown to the sync", () => {
    const [mapping] = mapFields([field("c.f", "Home", "geo-location")], standardAttributes);
    expect(mapping?.status).toBe("NO_MATCHING_ATTRIBUTE");
    expect(mapping?.reason).toContain('type "geo-location", which this sync does not know');
  });

  it("tells the admin which attribute to create when none has the name", () => {
    const [mapping] = mapFields([field("c.f", "Shirt size", "text")], standardAttributes);
    expect(mapping).toMatchObject({
      status: "NO_MATCHING_ATTRIBUTE",
      attribute: null,
      reason: 'No Peakon attribute is named "Shirt size". Create one (TEXT or OPTION) to sync this field.',
    });
    const [list] = mapFields([field("c.g", "Level", "list")], standardAttributes);
    expect(list?.reason).toBe('No Peakon attribute is named "Level". Create one (OPTION or TEXT) to sync this field.');
  });

  it("does not let a custom field feed a standard attribute of the same name", () => {
    const [mapping] = mapFields([field("work.custom.field_9", "Department", "text")], standardAttributes);
    expect(mapping).toMatchObject({ status: "NO_MATCHING_ATTRIBUTE", attribute: null });
    expect(mapping?.reason).toContain('"Department" is a standard Peakon attribute');
  });

  it.each([
    ["  Cost   Center ", "cost center"],
    ["COST CENTER", "Cost center"],
    ["cost\tcenter", "Cost  Center"],
  ])("matches %j against the attribute %j (trimmed, case-insensitive, whitespace folded)", (bobName, attributeName) => {
    const attribute = customAttribute(attributeName, "TEXT");
    const [mapping] = mapFields([field("c.f", bobName, "text")], [attribute]);
    expect(mapping).toMatchObject({ status: "COMPATIBLE", attribute, bobFieldName: bobName });
  });

  it("marks every Bob field sharing a name as AMBIGUOUS, naming the others", () => {
    const fields = [
      field("a.f1", "Cost center", "text"),
      field("b.f2", "cost  CENTER", "number"),
      field("c.f3", "Cost Center ", "text"),
      field("d.f4", "Level", "text"),
    ];
    const mappings = mapFields(fields, [customAttribute("Cost center", "TEXT"), customAttribute("Level", "TEXT")]);
    expect(mappings.map((m) => m.status)).toEqual(["AMBIGUOUS", "AMBIGUOUS", "AMBIGUOUS", "COMPATIBLE"]);
    expect(byId(mappings, "a.f1").reason).toContain("b.f2, c.f3");
    expect(byId(mappings, "a.f1").reason).not.toContain("a.f1");
    expect(byId(mappings, "b.f2").reason).toContain("a.f1, c.f3");
    expect(byId(mappings, "a.f1").attribute).toBeNull();
  });

  it("does not count a standard field as a namesake of a custom one", () => {
    // Bob's own "Department" and a custom "Department": the custom one is not ambiguous, it is refused.
    const mappings = mapFields(
      [field("work.department", "Department", "list"), field("c.f", "Department", "text")],
      standardAttributes,
    );
    expect(mappings.map((m) => m.status)).toEqual(["STANDARD", "NO_MATCHING_ATTRIBUTE"]);
  });
});

describe("syncedFieldIds", () => {
  it("asks for the standard fields, compatible custom fields and the lifecycle fields, nothing else", () => {
    const fields = [
      ...standardBobFields,
      field("c.ok", "Cost center", "text"),
      field("c.mismatch", "Level", "date"),
      field("c.none", "Shirt size", "text"),
    ];
    const mappings = mapFields(fields, [
      ...standardAttributes,
      customAttribute("Cost center", "TEXT"),
      customAttribute("Level", "NUMBER"),
    ]);
    const ids = syncedFieldIds(mappings);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      "root.id",
      "root.firstName",
      "root.surname",
      "root.email",
      "work.employeeIdInCompany",
      "work.reportsTo",
      "work.manager",
      "personal.birthDate",
      "home.legalGender",
      "work.title",
      "work.startDate",
      "work.site",
      "work.department",
      "payroll.employment.type",
      "internal.terminationDate",
      "internal.terminationReason",
      "internal.lifecycleStatus",
      "employee.lastDayOfWork",
      "c.ok",
    ]) {
      expect(ids).toContain(id);
    }
    for (const id of ["c.mismatch", "c.none", "root.displayName", "internal.status"]) expect(ids).not.toContain(id);
  });
});

describe("mapFields with an admin's overrides", () => {
  const costCenter = customAttribute("Cost center", "TEXT");
  const budget = customAttribute("Budget code", "OPTION");
  const attributes = [...standardAttributes, costCenter, budget];
  const fields = [
    ...standardBobFields,
    field("c.cost", "Cost center", "text"),
    field("c.kst", "Kostenstelle", "text"),
    field("c.date", "Review date", "date"),
  ];

  it("maps a field into an attribute of another name: OVERRIDDEN, with the attribute and the reason in plain words", () => {
    const mappings = mapFields(fields, attributes, [{ bobFieldId: "c.kst", attributeId: budget.id }]);
    expect(byId(mappings, "c.kst")).toMatchObject({ status: "OVERRIDDEN", attribute: budget, standardKey: null });
    expect(byId(mappings, "c.kst").reason).toBe(
      'Mapped by an admin into Peakon attribute "Budget code" (OPTION) instead of by name.',
    );
    expect(syncedFieldIds(mappings)).toContain("c.kst");
  });

  it("excludes a field: OVERRIDDEN with no attribute, and the sync no longer asks Bob for it", () => {
    const before = mapFields(fields, attributes);
    expect(byId(before, "c.cost").status).toBe("COMPATIBLE");
    const mappings = mapFields(fields, attributes, [{ bobFieldId: "c.cost", attributeId: null }]);
    expect(byId(mappings, "c.cost")).toMatchObject({
      status: "OVERRIDDEN",
      attribute: null,
      reason: expect.stringContaining("Excluded by an admin"),
    });
    expect(syncedFieldIds(mappings)).not.toContain("c.cost");
  });

  it("takes the attribute away from the field that matched it by name: one Bob field per attribute", () => {
    const mappings = mapFields(fields, attributes, [{ bobFieldId: "c.kst", attributeId: costCenter.id }]);
    expect(byId(mappings, "c.kst")).toMatchObject({ status: "OVERRIDDEN", attribute: costCenter });
    expect(byId(mappings, "c.cost")).toMatchObject({ status: "NO_MATCHING_ATTRIBUTE", attribute: null });
    expect(byId(mappings, "c.cost").reason).toContain('an admin mapped Bob field "Kostenstelle" (c.kst) into it');
    expect(syncedFieldIds(mappings)).not.toContain("c.cost");
  });

  it("settles a name shared by two Bob fields: the overridden one leaves name matching, the other matches again", () => {
    const twins = [field("a.f1", "Cost center", "text"), field("b.f2", "Cost center", "text")];
    expect(mapFields(twins, attributes).map((m) => m.status)).toEqual(["AMBIGUOUS", "AMBIGUOUS"]);
    const mappings = mapFields(twins, attributes, [{ bobFieldId: "a.f1", attributeId: null }]);
    expect(mappings.map((m) => m.status)).toEqual(["OVERRIDDEN", "COMPATIBLE"]);
    expect(byId(mappings, "b.f2").attribute).toEqual(costCenter);
  });

  it("reports an override Bob's type no longer fits as TYPE_MISMATCH naming both types, and feeds nothing", () => {
    const mappings = mapFields(fields, attributes, [{ bobFieldId: "c.date", attributeId: costCenter.id }]);
    expect(byId(mappings, "c.date")).toMatchObject({ status: "TYPE_MISMATCH", attribute: costCenter });
    expect(byId(mappings, "c.date").reason).toContain("a date (date)");
    expect(byId(mappings, "c.date").reason).toContain("TEXT");
    expect(syncedFieldIds(mappings)).not.toContain("c.date");
    // The attribute is not held by an override that feeds nothing: its namesake still feeds it.
    expect(byId(mappings, "c.cost").status).toBe("COMPATIBLE");
  });

  it("ignores overrides of standard or reserved fields, into standard attributes, of unknown fields or to unknown attributes", () => {
    const mappings = mapFields(fields, attributes, [
      { bobFieldId: "root.firstName", attributeId: null },
      { bobFieldId: "root.id", attributeId: costCenter.id },
      { bobFieldId: "c.kst", attributeId: "std-department" },
      { bobFieldId: "c.gone", attributeId: budget.id },
      { bobFieldId: "c.cost", attributeId: "no-such-attribute" },
    ]);
    expect(mappings).toEqual(mapFields(fields, attributes));
  });
});
