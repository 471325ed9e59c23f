import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeChangePage, encodeChangePage } from "../../src/persistence/stores/change-page.js";

const change = fc.record({
  action: fc.constantFrom("CREATE" as const, "UPDATE" as const, "DELETE" as const),
  bobEmployeeId: fc.string({ minLength: 1 }),
  email: fc.option(fc.string(), { nil: null }),
  fields: fc.array(fc.constantFrom("First name", "Department", "Cost center", 'Quote "x"', "Ünïcode", ""), {
    maxLength: 8,
  }),
});

describe("stored change pages", () => {
  it("read back exactly the changes written, in order, duplicates and empty names included", () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 50 }), (changes) => {
        expect(decodeChangePage(encodeChangePage(changes))).toEqual(changes);
      }),
    );
  });

  it("name each field once per page", () => {
    const changes = Array.from({ length: 100 }, (_, i) => ({
      action: "CREATE" as const,
      bobEmployeeId: String(i),
      email: null,
      fields: ["First name", "Department", "Cost center"],
    }));
    const page = JSON.parse(encodeChangePage(changes)) as { n: string[] };
    expect(page.n).toEqual(["First name", "Department", "Cost center"]);
    expect(encodeChangePage(changes).split("Department").length - 1).toBe(1);
  });

  it("still read pages in the earlier form (an array of { a, b, e, f })", () => {
    const earlier = JSON.stringify([
      { a: "UPDATE", b: "7", e: "a@b.c", f: ["Title"] },
      { a: "DELETE", b: "8", e: null, f: [] },
    ]);
    expect(decodeChangePage(earlier)).toEqual([
      { action: "UPDATE", bobEmployeeId: "7", email: "a@b.c", fields: ["Title"] },
      { action: "DELETE", bobEmployeeId: "8", email: null, fields: [] },
    ]);
  });
});
