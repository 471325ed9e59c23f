/**
 * Operations over HTTP run compiled (src/graphql/compiled-execution.ts, graphql-jit); over
 * WebSocket they run on graphql-js. For any operation a client may send on the directory (any
 * fields, aliases, fragments, nested managers and referenced employees, variables, bad input),
 * both transports give the same answer: the same data, and errors with the same code, path and
 * message.
 */
import fc from "fast-check";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deferred, within } from "../support/deferred.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

type Answer = { data?: unknown; errors?: { message: string; path?: unknown; extensions?: { code?: unknown } }[] };

const SCALARS = [
  "id",
  "bobId",
  "firstName",
  "lastName",
  "email",
  "employeeNumber",
  "startDate",
  "birthDate",
  "separationDate",
  "separationReason",
  "lifecycle",
  "surveyable",
  "tenureMonths",
  "__typename",
] as const;

/** A selection on Employee: some scalars (one maybe aliased), maybe attributes, maybe a manager (depth-bounded). */
const employeeSelection = (depth: number): fc.Arbitrary<string> =>
  fc
    .record({
      scalars: fc.subarray([...SCALARS], { minLength: 1 }),
      alias: fc.option(fc.constantFrom(...SCALARS.filter((s) => s !== "__typename")), { nil: null }),
      attributes: fc.option(
        fc.constantFrom(
          "attributes { value }",
          "attributes { attribute { name type } value }",
          "attributes { attribute { id name } value employee { bobId firstName } }",
        ),
        { nil: null },
      ),
      manager: depth > 0 ? fc.option(employeeSelection(depth - 1), { nil: null }) : fc.constant(null),
      viaFragment: fc.boolean(),
    })
    .map(({ scalars, alias, attributes, manager, viaFragment }) => {
      const parts = [...scalars];
      if (alias) parts.push(`again: ${alias}`);
      if (attributes) parts.push(attributes);
      if (manager) parts.push(`manager { ${manager} }`);
      return viaFragment ? `... on Employee { ${parts.join(" ")} }` : parts.join(" ");
    });

interface Operation {
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

describe("compiled execution (HTTP) answers as graphql-js (WebSocket) does", () => {
  let h: SyncHarness;
  let socket: Client;
  let bobIds: string[] = [];
  let cursors: string[] = [];

  const overHttp = async (op: Operation): Promise<Answer> => {
    const res = await h.gw.gql(op.query, op.variables, h.admin);
    return { ...(res.data !== undefined ? { data: res.data } : {}), ...(res.errors ? { errors: res.errors } : {}) };
  };
  const overWs = (op: Operation): Promise<Answer> => {
    const answer = deferred<Answer>();
    socket.subscribe(
      { query: op.query, variables: op.variables },
      {
        next: (value) => answer.resolve(value as Answer),
        error: (error) => answer.resolve({ errors: error as Answer["errors"] }),
        complete: () => undefined,
      },
    );
    return within(answer.promise, 10_000, "the WebSocket answer");
  };
  /** What both transports must agree on: the data, and each error's code, path and message. */
  const comparable = (a: Answer) => ({
    data: a.data ?? null,
    errors: (a.errors ?? []).map((e) => ({
      message: e.message,
      path: e.path ?? null,
      code: e.extensions?.code ?? null,
    })),
  });

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 40, companyId: "compiled-co" });
    await h.syncAndWait();
    const page = await h.gql<{ employees: { edges: { cursor: string; node: { bobId: string } }[] } }>(
      "{ employees(first: 40) { edges { cursor node { bobId } } } }",
    );
    bobIds = page.employees.edges.map((e) => e.node.bobId);
    cursors = page.employees.edges.map((e) => e.cursor);
    socket = h.gw.ws(h.admin);
  }, 60_000);
  afterAll(async () => {
    await socket?.dispose();
    await h?.close();
  });

  const operation = (): fc.Arbitrary<Operation> =>
    fc.oneof(
      fc
        .record({
          node: employeeSelection(2),
          first: fc.constantFrom(0, 1, 7, 50, -1),
          firstAsVariable: fc.boolean(),
          after: fc.constantFrom<"none" | "cursor" | "bad">("none", "cursor", "bad"),
          cursorIndex: fc.nat(39),
          lifecycle: fc.constantFrom(null, ["ACTIVE"], ["LEFT", "PRE_HIRE"], "NOT_A_LIFECYCLE"),
          pageInfo: fc.boolean(),
        })
        .map(({ node, first, firstAsVariable, after, cursorIndex, lifecycle, pageInfo }) => {
          const args = [firstAsVariable ? "first: $first" : `first: ${first}`];
          const variables: Record<string, unknown> = firstAsVariable ? { first } : {};
          if (after !== "none") {
            args.push("after: $after");
            variables.after = after === "bad" ? "not-a-cursor" : cursors[cursorIndex];
          }
          if (lifecycle !== null) {
            args.push("lifecycle: $lifecycle");
            variables.lifecycle = lifecycle;
          }
          const defs = [
            ...(firstAsVariable ? ["$first: Int"] : []),
            ...(after !== "none" ? ["$after: String"] : []),
            ...(lifecycle !== null ? ["$lifecycle: [Lifecycle!]"] : []),
          ];
          const head = defs.length > 0 ? `query(${defs.join(", ")})` : "query";
          const info = pageInfo ? "pageInfo { hasNextPage endCursor }" : "";
          return {
            query: `${head} { employees(${args.join(", ")}) { totalCount ${info} edges { cursor node { ${node} } } } }`,
            variables,
          };
        }),
      fc.record({ node: employeeSelection(2), index: fc.integer({ min: -1, max: 39 }) }).map(({ node, index }) => ({
        query: `query($b: String!) { employee(bobId: $b) { ${node} } }`,
        variables: { b: index < 0 ? "no-such-person" : bobIds[index] },
      })),
      fc.constant({ query: "{ attributes { id name type standard } }", variables: {} }),
      // A variable of the wrong type: refused before anything executes, on both transports.
      fc.constant({
        query: "query($first: Int) { employees(first: $first) { totalCount } }",
        variables: { first: "x" },
      }),
    );

  it("gives the same answer over both transports for any directory operation", async () => {
    await fc.assert(
      fc.asyncProperty(operation(), async (op) => {
        const [http, ws] = await Promise.all([overHttp(op), overWs(op)]);
        expect(comparable(http), op.query).toEqual(comparable(ws));
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
