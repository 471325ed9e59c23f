import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bobSignature } from "../../simulator/index.js";
import { within } from "../support/deferred.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

const STUCK = { kind: "SERVICE_USER" as const, id: "stuck-service-user", token: "stuck-token-0123456789abcdef0123" };
const CONNECT = "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }";
const HOOK = "mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl } }";
const DELIVERIES = "{ webhookDeliveries(first: 20) { edges { node { bobEmployeeId status } } } }";

/**
 * Fair concurrency (SYNC_CONCURRENCY, webhook drains per company at once): company A's Bob hangs
 * (every call by its credential is held open); company B's manual sync and its webhook
 * deliveries on the same gateway finish in their normal time meanwhile.
 */
describe("one company whose Bob hangs does not hold up another's sync or webhooks", () => {
  let h: SyncHarness;
  let aAdmin: string;
  const a = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await h.gw.gql<T>(query, variables, aAdmin);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data as T;
  };
  const deliver = async (hookUrl: string, secret: string, employeeId: string, n: number) => {
    const key = hookUrl.split("/").at(-1) as string;
    const body = JSON.stringify({
      companyId: 1,
      type: "employee.updated",
      triggeredBy: "system",
      triggeredAt: `2026-06-15T10:00:0${n}.000000`,
      version: "v2",
      data: { employeeId, fieldUpdates: [{ fieldId: "root.surname" }] },
    });
    const res = await fetch(`${h.gw.url}/webhooks/bob/${key}`, {
      method: "POST",
      headers: { "content-type": "application/json", "bob-signature": bobSignature(secret, body) },
      body,
    });
    expect(res.status).toBe(202);
  };

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 30, companyId: "fair-b", config: { bobSyncTimeoutMs: 60_000 } });
    expect((await h.syncAndWait()).status).toMatch(/^(SUCCEEDED|PARTIAL)$/); // the generated company has people the sync skips
    h.sim.addCredential({ ...STUCK, scopes: ["Full employee read", "Employee fields read"] });
    await h.gw.gql("mutation { enableIntegration { status } }", {}, await h.gw.token("fair-a", "SUPPORT"));
    aAdmin = await h.gw.token("fair-a", "ADMIN");
    expect(
      await a<{ connectIntegration: { status: string } }>(CONNECT, {
        i: { accessToken: STUCK.token, serviceUserId: STUCK.id },
      }),
    ).toEqual({ connectIntegration: { status: "CONNECTED" } });
  }, 60_000);
  afterAll(async () => {
    // The simulator first: closing it ends the held calls, so the gateway stops without waiting them out.
    await h?.sim.close();
    await h?.gw.stop();
  });

  it("runs B's manual sync and applies B's deliveries while A's sync and A's deliveries wait on a hung Bob", async () => {
    const aHook = (await a<{ setHookSecret: { webhookUrl: string } }>(HOOK, { s: "fair-a-secret-0123456789" }))
      .setHookSecret.webhookUrl;
    const bHook = (await h.gql<{ setHookSecret: { webhookUrl: string } }>(HOOK, { s: "fair-b-secret-0123456789" }))
      .setHookSecret.webhookUrl;
    h.sim.faults.set({ hangCredentials: [STUCK.id] });

    // A's sync starts and hangs on its first Bob call; A's delivery is accepted and its drain hangs too.
    const aRun = (await a<{ synchronizeNow: { id: string } }>("mutation { synchronizeNow { id } }")).synchronizeNow.id;
    await within(
      (async () => {
        while (
          (await a<{ syncRun: { status: string } }>("query($id: ID!) { syncRun(id: $id) { status } }", { id: aRun }))
            .syncRun.status !== "RUNNING"
        )
          await new Promise((r) => setTimeout(r, 50));
      })(),
      15_000,
      "A's run to start",
    );
    const someone = h.sim.company.employees().find((e) => e.values["root.firstName"])?.id as string;
    await deliver(aHook, "fair-a-secret-0123456789", someone, 1);
    await new Promise((r) => setTimeout(r, 500)); // A's drain is under way (250 ms after its burst)

    // B, meanwhile: a manual sync and a delivery, each in its normal time.
    const started = Date.now();
    const bRun = await h.syncAndWait();
    expect(bRun.status).toMatch(/^(SUCCEEDED|PARTIAL)$/);
    expect(Date.now() - started).toBeLessThan(15_000);
    h.sim.company.updateEmployee(someone, { "root.surname": "Fairly" });
    const sent = Date.now();
    await deliver(bHook, "fair-b-secret-0123456789", someone, 2);
    await within(
      (async () => {
        for (;;) {
          const edges = (await h.gql<{ webhookDeliveries: { edges: { node: { status: string } }[] } }>(DELIVERIES))
            .webhookDeliveries.edges;
          if (edges.some((e) => e.node.status === "APPLIED")) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
      15_000,
      "B's delivery to be applied",
    );
    expect(Date.now() - sent).toBeLessThan(15_000);
    expect((await h.employee(someone))?.lastName).toBe("Fairly");

    // A is still stuck, and says so honestly: its run has not finished, its delivery is not applied.
    expect(
      (await a<{ syncRun: { status: string } }>("query($id: ID!) { syncRun(id: $id) { status } }", { id: aRun }))
        .syncRun.status,
    ).toBe("RUNNING");
    const aDeliveries = (await a<{ webhookDeliveries: { edges: { node: { status: string } }[] } }>(DELIVERIES))
      .webhookDeliveries.edges;
    expect(aDeliveries.map((e) => e.node.status)).toEqual(["ACCEPTED"]);
  }, 90_000);
});
