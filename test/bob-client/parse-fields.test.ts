import { describe, expect, it } from "vitest";
import { parseFields } from "../../src/bob/parse-fields.js";

describe("parseFields", () => {
  it("maps valid entries and skips malformed ones", () => {
    const result = parseFields([
      {
        id: "root.firstName",
        name: "First name",
        category: "root",
        categoryId: "root",
        jsonPath: "firstName",
        type: "text",
        typeData: {},
        historical: false,
      },
      {
        id: "work.department",
        name: "Department",
        categoryId: "work",
        jsonPath: "work.department",
        type: "list",
        typeData: { listId: "department" },
      },
      {
        id: "category_1.field_2",
        name: "Level",
        category: "category_1",
        jsonPath: "category_1.field_2",
        type: "hierarchy-list",
        typeData: { listId: 77 },
      },
      { id: "work.title", name: "Title", categoryId: "work", type: "list", typeData: null },
      { id: "broken.noType", name: "No type", categoryId: "x", jsonPath: "x" },
      { id: "broken.noCategory", name: "No category", jsonPath: "x", type: "text" },
      { name: "No id", categoryId: "x", type: "text" },
      "junk",
      { id: "root.firstName", name: "dup", categoryId: "root", type: "text" },
    ]);
    if (!result.ok) throw new Error("expected ok");
    expect(result.fields).toEqual([
      { id: "root.firstName", name: "First name", type: "text", categoryId: "root", jsonPath: "firstName" },
      {
        id: "work.department",
        name: "Department",
        type: "list",
        categoryId: "work",
        jsonPath: "work.department",
        listId: "department",
      },
      {
        id: "category_1.field_2",
        name: "Level",
        type: "hierarchy-list",
        categoryId: "category_1",
        jsonPath: "category_1.field_2",
        listId: "77",
      },
      { id: "work.title", name: "Title", type: "list", categoryId: "work", jsonPath: "work.title" },
    ]);
    expect(result.skipped.map((s) => s.id)).toEqual([
      "broken.noType",
      "broken.noCategory",
      null,
      null,
      "root.firstName",
    ]);
  });

  it("rejects a body that is not an array", () => {
    expect(parseFields({ fields: [] }).ok).toBe(false);
  });
});
