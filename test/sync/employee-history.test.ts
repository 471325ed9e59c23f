/**
 * Per-employee history: every CREATE, UPDATE and DELETE the gateway applies, with its cause, its
 * run or delivery, and each value before and after; written by the one apply path (full sync,
 * approved run, webhook drain) and still readable once the employee is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { enableRealTime, settled } from "../support/webhook-harness.js";

type Field = { name: string; before: string | null; after: string | null };
type Entry = {
  at: string;
  action: string;
  cause: string;
  runId: string | null;
  deliveryId: string | null;
  fields: Field[];
};
type Page = {
  edges: { cursor: string; node: Entry }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
};
const ENTRY = "at action cause runId deliveryId fields { name before after }";
const HISTORY = `query($b: String!, $f: Int, $a: String) { employeeHistory(bobId: $b, first: $f, after: $a) { edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage endCursor } totalCount } }`;

describe("employee history", () => {
  let h: SyncHarness;
  const people: string[] = [];
  let firstRun: string;

  const history = async (bobId: string, first = 50, after: string | null = null): Promise<Page> =>
    (await h.gql<{ employeeHistory: Page }>(HISTORY, { b: bobId, f: first, a: after })).employeeHistory;
  const entries = async (bobId: string): Promise<Entry[]> => (await history(bobId)).edges.map((e) => e.node);
  const valueOf = (entry: Entry | undefined, name: string): Field | undefined =>
    entry?.fields.find((f) => f.name === name);

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "history-co" });
    for (let i = 0; i < 10; i++) {
      people.push(
        h.sim.company.createEmployee({
          "root.firstName": `Ann${i}`,
          "root.surname": `Original${i}`,
          "root.email": `ann${i}@acme.example`,
          "work.startDate": "2020-01-01",
        }),
      );
    }
    const run = await h.syncAndWait();
    expect(run.status).toBe("SUCCEEDED");
    firstRun = run.id;
  }, 60_000);
  afterAll(async () => h?.close());

  it("records every created employee with the full sync that created it and the values it set", async () => {
    const [created] = await entries(people[0] as string);
    expect(created).toMatchObject({ action: "CREATE", cause: "FULL_SYNC", runId: firstRun, deliveryId: null });
    expect(valueOf(created, "First name")).toEqual({ name: "First name", before: null, after: "Ann0" });
    expect(valueOf(created, "Last name")).toEqual({ name: "Last name", before: null, after: "Original0" });
    expect(valueOf(created, "Email")).toEqual({ name: "Email", before: null, after: "ann0@acme.example" });
    // A standard attribute that mirrors a record field (Tenure is the start date) is listed once.
    expect(created?.fields.filter((f) => f.name === "Tenure")).toEqual([
      { name: "Tenure", before: null, after: "2020-01-01" },
    ]);
  });

  it("records a sync's update with each changed value before and after, and the creation still shows the values it set", async () => {
    h.sim.company.updateEmployee(people[1] as string, { "root.surname": "Renamed" });
    const run = await h.syncAndWait();
    const [updated, created] = await entries(people[1] as string);
    expect(updated).toMatchObject({
      action: "UPDATE",
      cause: "FULL_SYNC",
      runId: run.id,
      fields: [{ name: "Last name", before: "Original1", after: "Renamed" }],
    });
    expect(valueOf(created, "Last name")?.after).toBe("Original1");
    // Unchanged employees got no entry from that run.
    expect((await entries(people[2] as string)).map((e) => e.action)).toEqual(["CREATE"]);
  });

  it("records a webhook's update with its delivery", async () => {
    await enableRealTime(h);
    h.sim.company.updateEmployee(people[2] as string, { "root.firstName": "Hooked" });
    await h.sim.webhooks.idle();
    const delivered = (await settled(h)).find((d) => d.bobEmployeeId === people[2] && d.status === "APPLIED");
    expect(delivered).toBeDefined();
    const [updated] = await entries(people[2] as string);
    expect(updated).toMatchObject({
      action: "UPDATE",
      cause: "WEBHOOK",
      runId: null,
      deliveryId: delivered?.id,
      fields: [{ name: "First name", before: "Ann2", after: "Hooked" }],
    });
  }, 60_000);

  it("keeps the history of a deleted employee, with the values the deletion removed", async () => {
    const gone = people[3] as string;
    h.sim.company.deleteEmployee(gone);
    await h.sim.webhooks.idle();
    await settled(h);
    expect(await h.employee(gone)).toBeNull();
    const [deleted, created] = await entries(gone);
    expect(deleted).toMatchObject({ action: "DELETE" });
    expect(["WEBHOOK", "FULL_SYNC"]).toContain(deleted?.cause);
    expect(valueOf(deleted, "Last name")).toEqual({ name: "Last name", before: "Original3", after: null });
    expect(created).toMatchObject({ action: "CREATE", cause: "FULL_SYNC" });
    expect(valueOf(created, "Email")?.after).toBe("ann3@acme.example");
  }, 60_000);

  it("records an approved HELD run's deletions as APPROVED_SYNC", async () => {
    const victims = people.slice(4, 8);
    // Bob stops telling the gateway: these deletions reach it through the full sync alone.
    for (const s of [...h.sim.webhooks.subscriptions]) h.sim.webhooks.unsubscribe(s.id);
    for (const id of victims) h.sim.company.deleteEmployee(id);
    const held = await h.syncAndWait();
    expect(held.status).toBe("HELD");
    await h.gql("mutation($id: ID!) { approveHeldSync(runId: $id) { id } }", { id: held.id });
    const done = await h.waitForRun(held.id, (p) => p.phase === "DONE");
    expect(done.status).toMatch(/SUCCEEDED|PARTIAL/);
    for (const id of victims) {
      const [deleted] = await entries(id);
      expect(deleted, id).toMatchObject({ action: "DELETE", cause: "APPROVED_SYNC", runId: held.id });
    }
  }, 90_000);

  it("pages newest first with opaque cursors, and Employee.history gives the same entries", async () => {
    const id = people[1] as string;
    const all = await history(id);
    expect(all.totalCount).toBe(2);
    const first = await history(id, 1);
    expect(first.edges.map((e) => e.node)).toEqual([all.edges[0]?.node]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await history(id, 1, first.pageInfo.endCursor);
    expect(second.edges.map((e) => e.node)).toEqual([all.edges[1]?.node]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const bad = await h.gw.gql(HISTORY, { b: id, f: 1, a: "not-a-cursor" }, h.admin);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");

    const viaEmployee = await h.gql<{ employees: { edges: { node: { bobId: string; history: Page } }[] } }>(
      `{ employees(first: 20) { edges { node { bobId history(first: 10) { edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage endCursor } totalCount } } } } }`,
    );
    const node = viaEmployee.employees.edges.find((e) => e.node.bobId === id)?.node;
    expect(node?.history).toEqual(all);
  });

  it("gives an empty history for someone the gateway never wrote", async () => {
    expect(await history("no-such-person")).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
      totalCount: 0,
    });
  });
});
