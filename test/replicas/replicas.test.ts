import { afterEach, describe, expect, it } from "vitest";
import { bobSignature } from "../../simulator/index.js";
import { deferred, within } from "../support/deferred.js";
import {
  directoryRows,
  sqlOnClusterDatabase,
  startReplicaCluster,
  waitForRunState,
  type ReplicaCluster,
} from "../support/replica-cluster.js";
import { TEST_DB } from "../support/test-database.js";

const PROGRESS = "runId status phase processed total counts { fetched created updated deleted unchanged skipped }";
type Progress = { runId: string; status: string; phase: string; processed: number; counts: Record<string, number> };

// Replicas share one PostgreSQL database; PGlite lives inside a single process.
describe.runIf(TEST_DB === "postgres")("several gateway replicas on one PostgreSQL", () => {
  let cluster: ReplicaCluster | null = null;
  afterEach(async () => {
    await cluster?.close();
    cluster = null;
  });

  it("streams a sync started on replica A to a subscriber on replica B, and two simultaneous requests on A and B yield one run", async () => {
    cluster = await startReplicaCluster({ replicas: 2, employees: 300 });
    const c = cluster;
    const client = await c.ws(1);
    const events: Progress[] = [];
    const done = deferred<void>();
    const ready = deferred<void>();
    client.subscribe<{ syncProgress: Progress }>(
      { query: `subscription { syncProgress { ${PROGRESS} } }` },
      {
        next: (v) => {
          if (!v.data) return;
          events.push(v.data.syncProgress);
          if (v.data.syncProgress.phase === "DONE") done.resolve();
        },
        error: done.reject,
        complete: () => done.resolve(),
      },
    );
    client.subscribe(
      { query: "{ __typename }" },
      { next: () => {}, error: ready.reject, complete: () => ready.resolve() },
    );
    await ready.promise;

    const [a, b] = await Promise.all([
      c.gql<{ synchronizeNow: { id: string } }>(0, "mutation { synchronizeNow { id } }"),
      c.gql<{ synchronizeNow: { id: string } }>(1, "mutation { synchronizeNow { id } }"),
    ]);
    expect(a.synchronizeNow.id).toBe(b.synchronizeNow.id);
    await within(done.promise, 60_000, "DONE on replica B");
    expect(events.every((e) => e.runId === a.synchronizeNow.id)).toBe(true);
    expect(events.map((e) => e.phase)).toEqual(expect.arrayContaining(["FETCHING", "PLANNING", "APPLYING", "DONE"]));
    const final = await waitForRunState(c, 0, a.synchronizeNow.id, (r) => r.phase === "DONE");
    expect(events.at(-1)).toMatchObject({ status: final.status, counts: final.counts });
    const runs = await c.gql<{ syncRuns: { totalCount: number } }>(1, "{ syncRuns { totalCount } }");
    expect(runs.syncRuns.totalCount).toBe(1);
  }, 120_000);

  it("finishes a 5,000-employee sync on the survivor when the replica running it is killed, with no duplicate", async () => {
    cluster = await startReplicaCluster({
      replicas: 2,
      employees: 5000,
      startAll: false,
      sim: { faults: { latencyMs: 300 } } as never,
    });
    const c = cluster;
    // A slow database (2 ms per inserted employee, so seconds per 1,000-employee batch) keeps the
    // run in APPLYING long enough to kill A after some batches committed and before the last one.
    await sqlOnClusterDatabase(
      c,
      `
      create function slow_employee_insert() returns trigger language plpgsql as $$ begin perform pg_sleep(0.002); return new; end $$;
      create trigger slow_employee_insert before insert on employee for each row execute function slow_employee_insert();`,
    );
    const { synchronizeNow } = await c.gql<{ synchronizeNow: { id: string } }>(0, "mutation { synchronizeNow { id } }");
    // Replica A has claimed the job (the run is RUNNING) before B exists; then A dies mid-apply.
    await waitForRunState(c, 0, synchronizeNow.id, (r) => r.status === "RUNNING");
    await c.start(1);
    // The first batch has committed once the directory holds anyone.
    await within(
      (async () => {
        while ((await directoryRows(c)).length === 0) await new Promise((r) => setTimeout(r, 50));
      })(),
      120_000,
      "first applied batch",
    );
    const atKill = await waitForRunState(c, 1, synchronizeNow.id, () => true);
    expect(atKill.phase, "the run should still be under way when replica A is killed").toBe("APPLYING");
    await c.kill(0);
    const partial = await directoryRows(c);
    expect(partial.length, "some batches were applied before the kill, not all").toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(5000);
    await sqlOnClusterDatabase(c, "drop trigger slow_employee_insert on employee");

    const final = await waitForRunState(c, 1, synchronizeNow.id, (r) => r.phase === "DONE", 120_000);
    expect(final.status).toMatch(/SUCCEEDED|PARTIAL/);
    const rows = await directoryRows(c);
    expect(rows.filter((r) => r.count > 1)).toEqual([]);
    expect(rows.length).toBe(final.counts.fetched - final.counts.skipped);
    const bob = new Map(c.sim.company.employees().map((e) => [e.id, e.values["root.surname"]]));
    for (const row of rows) expect(row.lastName).toBe(bob.get(row.bobId));
  }, 240_000);

  it("applies every accepted delivery of a 2,000-delivery storm exactly once in effect while a replica is killed and restarted", async () => {
    cluster = await startReplicaCluster({ replicas: 2, employees: 400 });
    const c = cluster;
    const first = await c.gql<{ synchronizeNow: { id: string } }>(0, "mutation { synchronizeNow { id } }");
    await waitForRunState(c, 0, first.synchronizeNow.id, (r) => r.phase === "DONE");
    const secret = "storm-secret-0123456789";
    const set = await c.gql<{ setHookSecret: { webhookUrl: string } }>(
      0,
      "mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl } }",
      { s: secret },
    );
    const key = set.setHookSecret.webhookUrl.split("/").at(-1) as string;

    const people = c.sim.company
      .employees()
      .filter((e) => e.values["root.firstName"])
      .slice(0, 250)
      .map((e) => e.id);
    for (const [i, id] of people.entries()) c.sim.company.updateEmployee(id, { "root.surname": `Storm${i}` });

    // Bob's side: each delivery is retried (on the other replica, as a load balancer would) until it gets a 2xx.
    let accepted = 0;
    let duplicates = 0;
    let refusedAttempts = 0;
    const send = async (n: number) => {
      const id = people[n % people.length] as string;
      const body = JSON.stringify({
        companyId: 1,
        type: "employee.updated",
        triggeredBy: "system",
        triggeredAt: `2026-06-15T10:00:00.${String(n).padStart(6, "0")}`,
        version: "v2",
        data: { employeeId: id, fieldUpdates: [{ fieldId: "root.surname" }] },
      });
      for (let attempt = 0; ; attempt++) {
        const replica = c.replicas[(n + attempt) % 2];
        try {
          const res = await fetch(`${replica?.url}/webhooks/bob/${key}`, {
            method: "POST",
            headers: { "content-type": "application/json", "bob-signature": bobSignature(secret, body) },
            body,
          });
          if (res.status === 202) {
            const answer = (await res.json()) as { duplicate: boolean };
            if (answer.duplicate) duplicates++;
            else accepted++;
            return;
          }
        } catch {
          // connection refused: that replica is down
        }
        refusedAttempts++;
        await new Promise((r) => setTimeout(r, Math.min(500, 20 * 2 ** attempt)));
      }
    };
    const storm = (async () => {
      const queue = Array.from({ length: 2000 }, (_, n) => n);
      const senders = Array.from({ length: 16 }, async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) await send(n);
      });
      await Promise.all(senders);
    })();
    await within(
      (async () => {
        while (accepted < 500) await new Promise((r) => setTimeout(r, 20));
      })(),
      60_000,
      "500 deliveries",
    );
    await c.kill(1);
    await within(
      (async () => {
        while (accepted < 1200) await new Promise((r) => setTimeout(r, 20));
      })(),
      60_000,
      "1,200 deliveries",
    );
    await c.start(1);
    await storm;

    expect(accepted + duplicates).toBe(2000);
    const settledRows = await within(
      (async () => {
        for (;;) {
          const counts = await c.gql<{
            webhookDeliveries: { totalCount: number; edges: { node: { status: string } }[] };
          }>(0, "{ webhookDeliveries(first: 500) { totalCount edges { node { status } } } }");
          const pg = (await import("pg")).default;
          const client = new pg.Client({ connectionString: (c.db.target as { url: string }).url });
          await client.connect();
          const res = await client.query<{ status: string; n: string }>(
            "select status, count(*) as n from webhook_delivery group by status",
          );
          const replays = await client.query<{ n: string | null }>("select sum(replays) as n from webhook_delivery");
          await client.end();
          const byStatus = Object.fromEntries(res.rows.map((r) => [r.status, Number(r.n)]));
          if (!byStatus.ACCEPTED)
            return { byStatus, replays: Number(replays.rows[0]?.n ?? 0), total: counts.webhookDeliveries.totalCount };
          await new Promise((r) => setTimeout(r, 200));
        }
      })(),
      120_000,
      "deliveries to settle",
    );
    expect(settledRows.byStatus.FAILED ?? 0).toBe(0);
    // Each of the 2,000 distinct deliveries is applied exactly once. A delivery whose 202 was lost
    // with the killed replica was sent again by Bob and answered as a duplicate: counted on its
    // first record, not stored again.
    expect(settledRows.byStatus.APPLIED).toBe(2000);
    expect(settledRows.byStatus.IGNORED ?? 0).toBe(0);
    expect(settledRows.replays).toBe(duplicates);
    const rows = await directoryRows(c);
    expect(rows.filter((r) => r.count > 1)).toEqual([]);
    const bob = new Map(c.sim.company.employees().map((e) => [e.id, e.values["root.surname"]]));
    for (const id of people) expect(rows.find((r) => r.bobId === id)?.lastName).toBe(bob.get(id));
    expect(refusedAttempts).toBeGreaterThan(0);
  }, 300_000);

  it("survives a PostgreSQL outage: /readyz 503, requests fail fast and clearly, then everything recovers without a restart", async () => {
    cluster = await startReplicaCluster({ replicas: 1, employees: 50 });
    const c = cluster;
    const url = c.replicas[0]?.url as string;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await c.db.cutConnections();
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    const started = Date.now();
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await c.token()}` },
      body: JSON.stringify({ query: "{ integration { status } }" }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string }; message: string }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(Date.now() - started).toBeLessThan(10_000);
    await c.db.restoreConnections();
    await within(
      (async () => {
        while ((await fetch(`${url}/readyz`)).status !== 200) await new Promise((r) => setTimeout(r, 100));
      })(),
      30_000,
      "/readyz back to 200",
    );
    const { synchronizeNow } = await c.gql<{ synchronizeNow: { id: string } }>(0, "mutation { synchronizeNow { id } }");
    const run = await waitForRunState(c, 0, synchronizeNow.id, (r) => r.phase === "DONE", 60_000);
    expect(run.status).toMatch(/SUCCEEDED|PARTIAL/);
  }, 120_000);
});
