import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReplicaCluster, waitForRunState, type ReplicaCluster } from "../support/replica-cluster.js";
import { TEST_DB } from "../support/test-database.js";

const ONE = "query($b: String!) { employee(bobId: $b) { bobId firstName lastName } }";
type One = { employee: { bobId: string; firstName: string; lastName: string } | null };

/**
 * Two gateway processes on one PostgreSQL database, each with its own read cache: a write made
 * through one replica is visible through the other on its very next read.
 */
describe.runIf(TEST_DB === "postgres")("GraphQL read cache across replicas", () => {
  let c: ReplicaCluster;
  let person: string;
  const sql = async (text: string, params: unknown[] = [], bypassTriggers = false) => {
    const client = new pg.Client({ connectionString: (c.db.target as { url: string }).url });
    await client.connect();
    try {
      if (bypassTriggers) await client.query("set session_replication_role = replica");
      await client.query(text, params);
    } finally {
      await client.end();
    }
  };
  const sync = async (replica: number) => {
    const run = await c.gql<{ synchronizeNow: { id: string } }>(replica, "mutation { synchronizeNow { id } }");
    const done = await waitForRunState(c, replica, run.synchronizeNow.id, (r) => r.phase === "DONE");
    expect(["SUCCEEDED", "PARTIAL"]).toContain(done.status); // PARTIAL: the simulator makes a few records with issues
  };

  beforeAll(async () => {
    c = await startReplicaCluster({ replicas: 2, employees: 60, companyId: "cache-replicas" });
    await sync(0);
    person = (c.sim.company.employees().find((e) => e.lifecycleStatus === "employed") as { id: string }).id;
  }, 120_000);
  afterAll(async () => c?.close());

  it("replica B keeps its answer while the directory version stands still (the cache is on)", async () => {
    const kept = await c.gql<One>(1, ONE, { b: person });
    // A write that bypasses the triggers does not move the version: B still answers from memory.
    await sql(
      "update employee set first_name = 'Invisible' where company_id = 'cache-replicas' and bob_id = $1",
      [person],
      true,
    );
    expect(await c.gql<One>(1, ONE, { b: person })).toEqual(kept);
    // Replica A never read it: it executes and sees the row as it is.
    expect((await c.gql<One>(0, ONE, { b: person })).employee?.firstName).toBe("Invisible");
    await sql("update employee set first_name = $2 where company_id = 'cache-replicas' and bob_id = $1", [
      person,
      kept.employee?.firstName,
    ]);
  });

  it("shows on replica B what a full sync run through replica A applied", async () => {
    await c.gql<One>(1, ONE, { b: person });
    await c.gql<One>(1, ONE, { b: person });
    c.sim.company.updateEmployee(person, { "root.surname": "Replicated" });
    await sync(0);
    expect((await c.gql<One>(1, ONE, { b: person })).employee?.lastName).toBe("Replicated");
  }, 120_000);

  it("shows on replica B an attribute created through replica A", async () => {
    const names = async (replica: number) =>
      (await c.gql<{ attributes: { name: string }[] }>(replica, "{ attributes { name } }")).attributes.map(
        (a) => a.name,
      );
    expect(await names(1)).not.toContain("Replica Team");
    await c.gql(0, 'mutation { createAttribute(input: { name: "Replica Team", type: TEXT }) { id } }');
    expect(await names(1)).toContain("Replica Team");
  });

  it("shows on replica B a row written straight into the database", async () => {
    const page = async () =>
      (await c.gql<{ employees: { totalCount: number } }>(1, "{ employees(first: 5) { totalCount } }")).employees
        .totalCount;
    const before = await page();
    await page();
    await sql("delete from employee where company_id = 'cache-replicas' and bob_id = $1", [person]);
    expect(await page()).toBe(before - 1);
    expect((await c.gql<One>(1, ONE, { b: person })).employee).toBeNull();
  });
});
