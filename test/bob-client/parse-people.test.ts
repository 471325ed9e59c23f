import { describe, expect, it } from "vitest";
import { JsonArrayStream } from "../../src/bob/json-array-stream.js";
import { PeopleReader } from "../../src/bob/parse-people.js";
import { splitFields } from "../../src/bob/bob-client.js";

describe("PeopleReader", () => {
  const fields = ["root.id", "root.firstName", "work.department", "work.reportsTo"];

  it("keeps good records and turns malformed ones into problems", () => {
    const reader = new PeopleReader(fields);
    for (const record of [
      { id: "1", firstName: "Ann", work: { department: "d1", reportsTo: { id: "2", displayName: "Bo" } } },
      "not an object",
      { firstName: "no id" },
      { id: { nested: true } },
      { id: "3", work: "not an object" },
      { id: 4, "/root/firstName": { value: "Cy" } },
      { "/root/id": { value: "5" }, "/work/department": "d5" },
      { id: 12345678901234567890 },
    ])
      reader.add(record);
    const result = reader.result();
    expect(result.people.map((p) => [p.id, Object.fromEntries(p.values)])).toEqual([
      [
        "1",
        {
          "root.id": "1",
          "root.firstName": "Ann",
          "work.department": "d1",
          "work.reportsTo": { id: "2", displayName: "Bo" },
        },
      ],
      ["4", { "root.id": 4, "root.firstName": "Cy" }],
      ["5", { "root.id": "5", "work.department": "d5" }],
    ]);
    expect(result.problems.map((p) => p.bobEmployeeId)).toEqual([null, null, null, "3", null]);
    expect(result.problems[3]?.message).toContain('"work" is not an object');
  });

  it("checks the envelope", () => {
    const envelope = (body: unknown) => {
      const stream = new JsonArrayStream("employees", () => {});
      stream.write(Buffer.from(JSON.stringify(body)));
      return stream.end();
    };
    expect(envelope({ employees: [] })).toEqual({ ok: true });
    expect(envelope({ employee: [] }).ok).toBe(false);
    expect(envelope([]).ok).toBe(false);
  });
});

describe("splitFields", () => {
  it("keeps root.id in every chunk and at most max ids per chunk", () => {
    const ids = Array.from({ length: 900 }, (_, i) => `category_1.field_${i}`);
    const chunks = splitFields(["root.id", ...ids], 400);
    expect(chunks.map((c) => c.length)).toEqual([400, 400, 103]);
    for (const c of chunks) expect(c[0]).toBe("root.id");
    expect(chunks.flat().filter((f) => f !== "root.id")).toEqual(ids);
    expect(splitFields([], 400)).toEqual([["root.id"]]);
  });
});
