import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timeSlicing } from "../../src/graphql/time-slicing.js";
import { EMPLOYEE_FIELDS, startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

/** Pages over 50 rows are completed and serialised in slices (src/graphql/time-slicing.ts): same answer, same SQL. */
describe("a large page completed in slices", () => {
  let h: SyncHarness;
  let statements = 0;

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 300, companyId: "slices-co", onQuery: () => void statements++ });
    expect((await h.syncAndWait()).status).toMatch(/SUCCEEDED|PARTIAL/);
  });
  afterAll(async () => {
    timeSlicing.enabled = true;
    await h?.close();
  });

  // A distinct variable each time: the read cache never answers.
  const page = async (nonce: string) => {
    statements = 0;
    const data = await h.gql<{ employees: { totalCount: number; edges: { node: Record<string, unknown> }[] } }>(
      `query($n: String!, $f: Int) { employees(first: $f) { totalCount edges { node { ${EMPLOYEE_FIELDS} manager { bobId firstName attributes { value } } } } } employee(bobId: $n) { id } }`,
      { n: nonce, f: 250 },
    );
    return { data, statements };
  };

  it("answers exactly as when completed at once, with the same statements", async () => {
    timeSlicing.enabled = false;
    const whole = await page("a");
    timeSlicing.enabled = true;
    const sliced = await page("b");
    expect(sliced.data.employees.edges).toHaveLength(250);
    expect(sliced.data.employees.edges.filter((e) => e.node.manager !== null).length).toBeGreaterThan(100);
    expect(sliced.data).toEqual(whole.data);
    expect(sliced.statements).toBe(whole.statements);
  });

  it("keeps every request's rows whole when several large pages are sliced at once", async () => {
    const alone = (await page("c")).data;
    const together = await Promise.all(["d", "e", "f", "g"].map((n) => page(n)));
    for (const answer of together) expect(answer.data).toEqual(alone);
  });
});
