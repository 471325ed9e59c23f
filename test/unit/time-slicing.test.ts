import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SLICE_ABOVE, nextTurn, stringifySliced } from "../../src/graphql/time-slicing.js";

const row = fc.record({
  id: fc.uuid(),
  name: fc.string(),
  n: fc.oneof(fc.integer(), fc.constant(null)),
  tags: fc.array(fc.string(), { maxLength: 3 }),
});
/** JSON values that hold lists longer than SLICE_ABOVE, nested as an execution result would hold them. */
const resultLike = fc.record({
  data: fc.record({
    employees: fc.record({
      totalCount: fc.nat(),
      edges: fc.array(fc.record({ node: row }), { minLength: SLICE_ABOVE + 1, maxLength: 200 }),
    }),
  }),
  errors: fc.option(fc.array(fc.record({ message: fc.string() }), { maxLength: 2 }), { nil: undefined }),
  extensions: fc.option(fc.jsonValue(), { nil: undefined }),
});

describe("time slicing", () => {
  it("serialises any value exactly as JSON.stringify does, sliced or not", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(resultLike, fc.jsonValue(), fc.array(fc.jsonValue(), { minLength: SLICE_ABOVE + 1, maxLength: 120 })),
        async (value) => {
          expect(await stringifySliced(value)).toBe(JSON.stringify(value));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("answers short values at once, without a promise", () => {
    const value = {
      data: { employees: { edges: Array.from({ length: SLICE_ABOVE }, (_, i) => ({ node: { id: String(i) } })) } },
    };
    expect(stringifySliced(value)).toBe(JSON.stringify(value));
  });

  it("lets the process answer an HTTP request while a long result is being serialised", async () => {
    const server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const big = {
        data: {
          rows: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `person ${i}`, email: `p${i}@acme.example` })),
        },
      };
      const order: string[] = [];
      const serialised = Promise.resolve(stringifySliced(big)).then((text) => {
        order.push("serialised");
        return text;
      });
      const answered = fetch(`http://127.0.0.1:${port}/healthz`).then(async (res) => {
        order.push(`answered ${await res.text()}`);
      });
      const [text] = await Promise.all([serialised, answered]);
      expect(text).toBe(JSON.stringify(big));
      // Unsliced, the request would wait for the whole serialisation.
      expect(order).toEqual(["answered ok", "serialised"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("gives turns in the order they were asked for, one per event-loop iteration", async () => {
    const order: string[] = [];
    const turns = [nextTurn().then(() => order.push("a")), nextTurn().then(() => order.push("b"))];
    setImmediate(() => order.push("io"));
    await Promise.all(turns);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order.indexOf("a")).toBeLessThan(order.indexOf("b"));
    // A callback queued between the two turns runs between them: turns do not run back to back.
    expect(order).toEqual(["a", "io", "b"]);
  });
});
