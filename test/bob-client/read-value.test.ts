import { describe, expect, it } from "vitest";
import { flatKey, nestedPath, readFieldValue, unwrapFlat } from "../../src/bob/read-value.js";

describe("readFieldValue", () => {
  it("reads nested category values", () => {
    expect(readFieldValue({ id: "1", work: { department: "209192163" } }, "work.department")).toEqual({
      found: true,
      value: "209192163",
    });
  });

  it("reads root.* fields from the top level", () => {
    expect(readFieldValue({ id: "1", firstName: "Jane" }, "root.firstName")).toEqual({ found: true, value: "Jane" });
    expect(readFieldValue({ id: "1" }, "root.id")).toEqual({ found: true, value: "1" });
  });

  it("reads root.custom fields as custom.* at top level, and category custom fields", () => {
    expect(readFieldValue({ custom: { field_171: "x" } }, "root.custom.field_171")).toEqual({
      found: true,
      value: "x",
    });
    expect(readFieldValue({ category_1: { field_2: 42 } }, "category_1.field_2")).toEqual({ found: true, value: 42 });
    expect(readFieldValue({ work: { custom: { field_9: ["a"] } } }, "work.custom.field_9")).toEqual({
      found: true,
      value: ["a"],
    });
  });

  it("reads the flat slash form wrapped in {value}", () => {
    expect(readFieldValue({ "/work/department": { value: "209192163" } }, "work.department")).toEqual({
      found: true,
      value: "209192163",
    });
    expect(readFieldValue({ "/root/firstName": { value: "Jane" } }, "root.firstName")).toEqual({
      found: true,
      value: "Jane",
    });
    expect(readFieldValue({ "/category_1/field_2": { value: null } }, "category_1.field_2")).toEqual({
      found: true,
      value: null,
    });
  });

  it("reads the flat slash form as a bare value, keeping objects that are not wrappers", () => {
    expect(readFieldValue({ "/work/site": "London" }, "work.site")).toEqual({ found: true, value: "London" });
    const salary = { value: 100, currency: "USD" };
    expect(readFieldValue({ "/payroll/salary": salary }, "payroll.salary")).toEqual({ found: true, value: salary });
  });

  it("reads a literal dotted key (APPEND answers)", () => {
    expect(readFieldValue({ "work.department": "7" }, "work.department")).toEqual({ found: true, value: "7" });
  });

  it("keeps null as a present value and objects such as reportsTo as-is", () => {
    expect(readFieldValue({ internal: { terminationDate: null } }, "internal.terminationDate")).toEqual({
      found: true,
      value: null,
    });
    const reportsTo = { id: "9", displayName: "Sam" };
    expect(readFieldValue({ work: { reportsTo } }, "work.reportsTo")).toEqual({ found: true, value: reportsTo });
  });

  it("says absent when the field is in neither form", () => {
    expect(readFieldValue({ id: "1", work: {} }, "work.department")).toEqual({ found: false });
    expect(readFieldValue({ id: "1" }, "home.legalGender")).toEqual({ found: false });
    expect(readFieldValue({ work: "oops" }, "work.title")).toEqual({ found: false });
  });

  it("prefers the nested form when both are present", () => {
    expect(readFieldValue({ work: { siteId: 1 }, "/work/siteId": { value: 2 } }, "work.siteId")).toEqual({
      found: true,
      value: 1,
    });
  });

  it("derives paths", () => {
    expect(nestedPath("root.firstName")).toEqual(["firstName"]);
    expect(nestedPath("root.custom.field_x")).toEqual(["custom", "field_x"]);
    expect(nestedPath("category_1.field_2")).toEqual(["category_1", "field_2"]);
    expect(flatKey("root.id")).toBe("/root/id");
    expect(unwrapFlat({ value: 1, humanReadable: "1" })).toBe(1);
  });
});
