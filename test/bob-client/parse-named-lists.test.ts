import { describe, expect, it } from "vitest";
import { parseNamedLists } from "../../src/bob/parse-named-lists.js";

describe("parseNamedLists", () => {
  it("accepts the array form [{name, items}]", () => {
    const result = parseNamedLists([
      { name: "department", items: [{ id: "1", name: "Sales", archived: false, children: [] }] },
    ]);
    expect(result).toEqual({
      ok: true,
      skipped: [],
      lists: [{ name: "department", items: [{ id: "1", name: "Sales", archived: false }] }],
    });
  });

  it("accepts the object form keyed by list name (with and without inner name)", () => {
    const result = parseNamedLists({
      department: { name: "department", items: [{ id: "1", name: "Sales", archived: false }] },
      site: { items: [{ id: 7, value: "London", archived: true }] },
      title: [{ id: "t1", name: "Engineer" }],
    });
    expect(result.ok && result.lists).toEqual([
      { name: "department", items: [{ id: "1", name: "Sales", archived: false }] },
      { name: "site", items: [{ id: "7", name: "London", archived: true }] },
      { name: "title", items: [{ id: "t1", name: "Engineer", archived: false }] },
    ]);
  });

  it("flattens hierarchy children, parents first; children of archived parents are archived", () => {
    const result = parseNamedLists([
      {
        name: "department",
        items: [
          {
            id: 1,
            name: "Eng",
            archived: false,
            children: [{ id: 2, name: "Backend", archived: false, children: [{ id: 3, name: "DB", archived: false }] }],
          },
          { id: 4, name: "Old", archived: true, children: [{ id: 5, name: "Old child", archived: false }] },
        ],
      },
    ]);
    expect(result.ok && result.lists[0]?.items).toEqual([
      { id: "1", name: "Eng", archived: false },
      { id: "2", name: "Backend", archived: false },
      { id: "3", name: "DB", archived: false },
      { id: "4", name: "Old", archived: true },
      { id: "5", name: "Old child", archived: true },
    ]);
  });

  it("turns numeric ids into strings and skips malformed items, keeping the rest", () => {
    const result = parseNamedLists([
      { name: "site", items: [{ id: 12, name: "Paris" }, { name: "no id" }, { id: "3" }, "junk"] },
    ]);
    expect(result.ok && result.lists).toEqual([
      { name: "site", items: [{ id: "12", name: "Paris", archived: false }] },
    ]);
    expect(result.ok && result.skipped).toHaveLength(3);
  });

  it("accepts `values` in place of `items`", () => {
    const result = parseNamedLists([{ name: "x", values: [{ id: "1", name: "A" }] }]);
    expect(result.ok && result.lists[0]?.items).toEqual([{ id: "1", name: "A", archived: false }]);
  });

  it("rejects a body that is neither form", () => {
    expect(parseNamedLists("nope").ok).toBe(false);
    expect(parseNamedLists(null).ok).toBe(false);
  });
});
