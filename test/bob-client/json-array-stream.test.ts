import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { JsonArrayStream } from "../../src/bob/json-array-stream.js";

/** Feeds `bytes` cut at `cuts` (any byte offsets, also inside a multi-byte character). */
function streamed(
  bytes: Buffer,
  cuts: readonly number[] = [],
): { elements: unknown[]; end: ReturnType<JsonArrayStream["end"]> } {
  const elements: unknown[] = [];
  const stream = new JsonArrayStream("employees", (e) => elements.push(e));
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    stream.write(bytes.subarray(from, cut));
    from = cut;
  }
  stream.write(bytes.subarray(from));
  return { elements, end: stream.end() };
}

/** What JSON.parse makes of the same body: the employees array, or why there is none. */
function reference(text: string): { ok: true; employees: unknown[] } | { ok: false } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  const employees =
    json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>).employees : undefined;
  return Array.isArray(employees) ? { ok: true, employees } : { ok: false };
}

const body = fc.record(
  {
    before: fc.dictionary(
      fc.string().filter((k) => k !== "employees" && k !== "__proto__"),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 2 },
    ),
    employees: fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 12 }),
    after: fc.dictionary(
      fc.string().filter((k) => k !== "employees" && k !== "__proto__"),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 2 },
    ),
  },
  { noNullPrototype: true },
);

describe("JsonArrayStream", () => {
  it("hands over exactly the elements JSON.parse sees, however the bytes are cut", () => {
    fc.assert(
      fc.property(
        body,
        fc.constantFrom(undefined, 2, "\t"),
        fc.array(fc.nat(), { maxLength: 20 }),
        (parts, indent, cuts) => {
          const object = { ...parts.before, employees: parts.employees, ...parts.after };
          const bytes = Buffer.from(JSON.stringify(object, null, indent));
          const result = streamed(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          );
          expect(result.end).toEqual({ ok: true });
          expect(result.elements).toEqual(JSON.parse(bytes.toString()).employees);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("refuses every body JSON.parse refuses: bytes dropped, changed or cut off", () => {
    fc.assert(
      fc.property(
        body,
        fc.nat(),
        fc.integer({ min: 0, max: 127 }),
        fc.constantFrom("drop", "replace", "truncate"),
        fc.array(fc.nat(), { maxLength: 6 }),
        (parts, at, byte, how, cuts) => {
          const valid = Buffer.from(JSON.stringify({ ...parts.before, employees: parts.employees, ...parts.after }));
          const i = at % valid.length;
          const bytes =
            how === "drop"
              ? Buffer.concat([valid.subarray(0, i), valid.subarray(i + 1)])
              : how === "truncate"
                ? valid.subarray(0, i)
                : Buffer.concat([valid.subarray(0, i), Buffer.from([byte]), valid.subarray(i + 1)]);
          const expected = reference(bytes.toString());
          const result = streamed(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          );
          if (!expected.ok) expect(result.end.ok).toBe(false);
          else if (result.end.ok) expect(result.elements).toEqual(expected.employees);
          // A body that is valid JSON may still be refused: "employees" twice (see below).
          else expect(result.end).toEqual({ ok: false, reason: 'the answer has "employees" twice' });
        },
      ),
      { numRuns: 600 },
    );
  });

  it("explains what is wrong with a body that has no employees array", () => {
    const reason = (text: string) => {
      const end = streamed(Buffer.from(text)).end;
      return end.ok ? "ok" : end.reason;
    };
    expect(reason("")).toBe("the body is empty");
    expect(reason("  \n")).toBe("the body is empty");
    expect(reason('{"employee": []}')).toBe("the answer has no employees array");
    expect(reason('{"employees": null}')).toBe("the answer has no employees array");
    expect(reason("[]")).toBe("the answer has no employees array");
    expect(reason('{"employees": [1,]}')).toBe("the body is not valid JSON");
    expect(reason('{"employees": []} x')).toBe("the body is not valid JSON");
    expect(reason('{"employees": [], "employees": []}')).toBe('the answer has "employees" twice');
    expect(reason('\ufeff{"employees": [{"id": "1"}]}')).toBe("ok");
  });

  it("reads escapes and non-ASCII text cut at every byte, inside a character or an escape", () => {
    const bytes = Buffer.from(
      JSON.stringify({
        employees: [{ firstName: "Zoë", surname: "Æbelø 李", note: 'say "hi" \\ c:\\dir\\ \\"' }, "\\", '"'],
      }),
    );
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    const result = streamed(bytes, cuts);
    expect(result.end).toEqual({ ok: true });
    expect(result.elements).toEqual([
      { firstName: "Zoë", surname: "Æbelø 李", note: 'say "hi" \\ c:\\dir\\ \\"' },
      "\\",
      '"',
    ]);
    for (let cut = 0; cut <= bytes.length; cut++) expect(streamed(bytes, [cut]).elements).toEqual(result.elements);
  });

  it("gives each element the SHA-256 of its exact bytes, and leaves unparsed, in their place, the elements the caller claims", () => {
    const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("base64url");
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 12 }),
        fc.array(fc.constantFrom("", " ", "\n  ", "\t"), { minLength: 13, maxLength: 13 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (values, spaces, claimed, cuts) => {
          // Elements written compactly, so each one's bytes are known exactly; whitespace between them varies.
          const texts = values.map((v) => JSON.stringify(v));
          const bytes = Buffer.from(
            `{"before": [1, {"x": "]"}], "employees": [${texts.map((t, i) => `${spaces[i]}${t}`).join(",")}${spaces[12]}]}`,
          );
          const known = new Set(texts.filter((_, i) => claimed[i]).map(sha));

          const handed: unknown[] = [];
          const stream = new JsonArrayStream(
            "employees",
            (element, digest) => handed.push({ parsed: element, digest }),
            {
              isKnown: (digest) => known.has(digest),
              onKnown: (digest) => handed.push({ known: digest }),
            },
          );
          let from = 0;
          for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
            if (cut <= from || cut >= bytes.length) continue;
            stream.write(bytes.subarray(from, cut));
            from = cut;
          }
          stream.write(bytes.subarray(from));

          expect(stream.end()).toEqual({ ok: true });
          expect(handed).toEqual(
            texts.map((t) => (known.has(sha(t)) ? { known: sha(t) } : { parsed: JSON.parse(t), digest: sha(t) })),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("still refuses a body whose end is broken when every element was claimed", () => {
    const stream = new JsonArrayStream("employees", () => {}, { isKnown: () => true, onKnown: () => {} });
    stream.write(Buffer.from('{"employees": [{"id": "1"}, {"id": "2"}'));
    expect(stream.end()).toEqual({ ok: false, reason: "the body is not valid JSON" });
  });
});
