import { afterAll, describe, expect, it } from "vitest";
import { bobSignature } from "../../simulator/index.js";
import { startReplicaCluster, waitForRunState, type ReplicaCluster } from "../support/replica-cluster.js";
import { TEST_DB } from "../support/test-database.js";

const MINUTE = 60_000;
const LOAD_MS = 2 * MINUTE;
const SEARCH = "/v1/people/search";

/** The most calls in any rolling minute (Bob counts a call when it arrives). */
function busiestMinute(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[start] as number) <= (sorted[end] as number) - MINUTE) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * Bob limits people searches per credential (50 a minute), not per process: three replicas that
 * each kept their own budget spent up to 150 a minute of it and were answered 429. On PostgreSQL
 * the rolling window lives in the database (bob_rate_lane) and every replica draws on it.
 */
describe.runIf(TEST_DB === "postgres")("one Bob budget per credential across replicas", () => {
  let cluster: ReplicaCluster | null = null;
  afterAll(async () => cluster?.close());

  it("keeps three replicas' syncs, webhook drains and connects within 50 people searches in any rolling minute, with no 429, for two minutes", async () => {
    cluster = await startReplicaCluster({ replicas: 3, employees: 40, sim: { peopleSearchPerMinute: 50 } });
    const c = cluster;
    const first = await c.gql<{ synchronizeNow: { id: string } }>(0, "mutation { synchronizeNow { id } }");
    await waitForRunState(c, 0, first.synchronizeNow.id, (r) => r.phase === "DONE");
    const secret = "budget-secret-0123456789";
    const set = await c.gql<{ setHookSecret: { webhookUrl: string } }>(
      0,
      "mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl } }",
      { s: secret },
    );
    const key = set.setHookSecret.webhookUrl.split("/").at(-1) as string;
    const people = c.sim.company.employees().map((e) => e.id);
    c.sim.requests.clear();

    const stopAt = Date.now() + LOAD_MS;
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const asked = { syncs: 0, deliveries: 0, connects: 0 };
    // Each replica asks for more than the budget: a sync every second, a delivery every 200 ms,
    // a connect (its visibility check is a people search) every 5 s.
    const load = c.replicas.map(async (replica, i) => {
      const syncs = (async () => {
        while (Date.now() < stopAt) {
          await c.gql(i, "mutation { synchronizeNow { id } }").catch(() => undefined);
          asked.syncs++;
          await pause(1000);
        }
      })();
      const deliveries = (async () => {
        for (let n = 0; Date.now() < stopAt; n++) {
          const body = JSON.stringify({
            companyId: 1,
            type: "employee.updated",
            triggeredBy: "system",
            triggeredAt: new Date().toISOString(),
            version: "v2",
            data: { employeeId: people[(n * 3 + i) % people.length], fieldUpdates: [{ fieldId: "root.surname" }] },
          });
          await fetch(`${replica.url}/webhooks/bob/${key}`, {
            method: "POST",
            headers: { "content-type": "application/json", "bob-signature": bobSignature(secret, body) },
            body,
          }).catch(() => undefined);
          asked.deliveries++;
          await pause(200);
        }
      })();
      const connects = (async () => {
        while (Date.now() < stopAt) {
          await c
            .gql(i, "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }", {
              i: { accessToken: c.sim.credentials.serviceUser.token, serviceUserId: c.sim.credentials.serviceUser.id },
            })
            .catch(() => undefined);
          asked.connects++;
          await pause(5000);
        }
      })();
      await Promise.all([syncs, deliveries, connects]);
    });
    await Promise.all(load);

    const searches = c.sim.requests.entries.filter((e) => e.path === SEARCH && e.status !== 0);
    const refused = searches.filter((e) => e.status === 429);
    expect(refused, `429s at ${refused.map((e) => new Date(e.at).toISOString()).join(", ")}`).toHaveLength(0);
    const most = busiestMinute(searches.map((e) => e.at));
    expect(most).toBeLessThanOrEqual(50);
    // The replicas asked for more than the budget: it was spent, not merely respected by idleness.
    expect(
      most,
      `busiest minute ${most} of ${searches.length} searches; asked ${JSON.stringify(asked)}`,
    ).toBeGreaterThanOrEqual(45);
    expect(searches.length).toBeGreaterThanOrEqual(90);
  }, 240_000);
});
