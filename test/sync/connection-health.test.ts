/**
 * Connection health: a credential Bob refuses (401/403) during a webhook application or a full
 * sync sets NEEDS_RECONNECT with its reason; syncs and applications pause (Bob is not called with
 * it again) until an admin connects again, then what waited is applied. integration.health says
 * when the last sync succeeded, what arrived in 24 h, and the drift full syncs repaired.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { within } from "../support/deferred.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { deliveries, enableRealTime, settled } from "../support/webhook-harness.js";

type Health = {
  lastSuccessfulSyncAt: string | null;
  lastDeliveryAt: string | null;
  deliveriesLast24h: number;
  failedDeliveriesLast24h: number;
  driftRepairedLast7Days: number;
  needsReconnectReason: string | null;
};
const HEALTH =
  "{ integration { status webhookUrl realTimeUpdates health { lastSuccessfulSyncAt lastDeliveryAt deliveriesLast24h failedDeliveriesLast24h driftRepairedLast7Days needsReconnectReason } } }";
const SPARE = { kind: "SERVICE_USER" as const, id: "SERVICE-HEALTH-1", token: "health-check-token-0123456789abcdef" };

describe("connection health", () => {
  let h: SyncHarness;
  let people: string[];
  const integration = async () =>
    (
      await h.gql<{
        integration: { status: string; webhookUrl: string | null; realTimeUpdates: boolean; health: Health };
      }>(HEALTH)
    ).integration;
  const connect = (c: { id: string; token: string }) =>
    h.gql<{ connectIntegration: { status: string } }>(
      "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }",
      { i: { accessToken: c.token, serviceUserId: c.id } },
    );
  /** Polls (bounded) until the integration reaches the status. */
  const statusBecomes = (status: string) =>
    within(
      (async () => {
        for (;;) {
          if ((await integration()).status === status) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
      30_000,
      `status ${status}`,
    );

  /** Every webhook application job queued so far has ended (pg-boss's own record). */
  const applicationsDone = () =>
    within(
      (async () => {
        for (;;) {
          const jobs = await h.gw.gateway.jobs.boss.findJobs("webhook-apply");
          if (jobs.length > 0 && jobs.every((j) => j.state === "completed" || j.state === "failed")) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
      30_000,
      "webhook applications to end",
    );

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "health-co" });
    people = [0, 1, 2, 3, 4].map((i) =>
      h.sim.company.createEmployee({
        "root.firstName": `Hal${i}`,
        "root.surname": `Health${i}`,
        "root.email": `hal${i}@acme.example`,
      }),
    );
    h.sim.addCredential({ ...SPARE, scopes: ["Full employee read", "Employee fields read"] });
    await connect(SPARE);
  }, 60_000);
  afterAll(async () => h?.close());

  it("says when the last sync succeeded, and a sync without real-time updates repairs no drift", async () => {
    const before = await integration();
    expect(before.health).toEqual({
      lastSuccessfulSyncAt: null,
      lastDeliveryAt: null,
      deliveriesLast24h: 0,
      failedDeliveriesLast24h: 0,
      driftRepairedLast7Days: 0,
      needsReconnectReason: null,
    });
    const run = await h.syncAndWait();
    expect(run.counts.created).toBe(5);
    const runs = await h.gql<{ syncRun: { finishedAt: string; counts: { driftRepaired: number } } }>(
      "query($id: ID!) { syncRun(id: $id) { finishedAt counts { driftRepaired } } }",
      { id: run.id },
    );
    expect(runs.syncRun.counts.driftRepaired).toBe(0);
    expect((await integration()).health.lastSuccessfulSyncAt).toBe(runs.syncRun.finishedAt);
  });

  it("counts what a full sync had to change while real-time updates were on: the changes webhooks missed", async () => {
    await enableRealTime(h);
    // Bob's webhooks for these two changes never arrive.
    for (const s of [...h.sim.webhooks.subscriptions]) h.sim.webhooks.unsubscribe(s.id);
    h.sim.company.updateEmployee(people[0] as string, { "root.surname": "Missed" });
    h.sim.company.updateEmployee(people[1] as string, { "root.surname": "AlsoMissed" });
    const run = await h.syncAndWait();
    const detail = await h.gql<{ syncRun: { counts: { updated: number; driftRepaired: number } } }>(
      "query($id: ID!) { syncRun(id: $id) { counts { updated driftRepaired } } }",
      { id: run.id },
    );
    expect(detail.syncRun.counts).toEqual({ updated: 2, driftRepaired: 2 });
    expect((await integration()).health.driftRepairedLast7Days).toBe(2);
    // A dry run changes nothing: no drift repaired.
    h.sim.company.updateEmployee(people[2] as string, { "root.surname": "DryRun" });
    const dry = await h.syncAndWait({ dryRun: true });
    const dryDetail = await h.gql<{ syncRun: { counts: { updated: number; driftRepaired: number } } }>(
      "query($id: ID!) { syncRun(id: $id) { counts { updated driftRepaired } } }",
      { id: dry.id },
    );
    expect(dryDetail.syncRun.counts).toEqual({ updated: 1, driftRepaired: 0 });
  });

  it("sets NEEDS_RECONNECT when Bob refuses the credential during a webhook application; what arrives waits, and Bob is not called again", async () => {
    await enableRealTime(h);
    h.sim.revokeCredential(SPARE);
    h.sim.company.updateEmployee(people[3] as string, { "root.surname": "Waiting" });
    await h.sim.webhooks.idle();
    await statusBecomes("NEEDS_RECONNECT");
    const view = await integration();
    expect(view.health.needsReconnectReason).toMatch(/Bob refused the stored credential/);
    expect(view.webhookUrl).not.toBeNull(); // Bob still sends there; deliveries wait
    const waiting = (await deliveries(h)).filter((d) => d.bobEmployeeId === people[3]);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((d) => d.status === "ACCEPTED")).toBe(true);
    expect(view.health.deliveriesLast24h).toBeGreaterThan(0);
    expect(view.health.lastDeliveryAt).not.toBeNull();

    // Nothing calls Bob with the refused credential: more deliveries, a manual sync refused.
    const refusals = h.sim.requests.count({ status: 401 });
    h.sim.company.updateEmployee(people[4] as string, { "root.surname": "AlsoWaiting" });
    await h.sim.webhooks.idle();
    const sync = await h.gw.gql("mutation { synchronizeNow { id } }", {}, h.admin);
    expect(sync.errors?.[0]?.extensions?.code).toBe("NOT_CONNECTED");
    expect(sync.errors?.[0]?.message).toMatch(/Connect Bob again/);
    // The second delivery's application has run, and went nowhere near Bob.
    await applicationsDone();
    expect(h.sim.requests.count({ status: 401 })).toBe(refusals);
    expect((await h.employee(people[3] as string))?.lastName).toBe("Health3");
  }, 60_000);

  it("applies what waited once an admin connects again", async () => {
    await connect(h.sim.credentials.serviceUser);
    const view = await integration();
    expect(view.status).toBe("CONNECTED");
    expect(view.health.needsReconnectReason).toBeNull();
    const all = await settled(h);
    expect(
      all
        .filter((d) => d.bobEmployeeId === people[3] || d.bobEmployeeId === people[4])
        .every((d) => d.status === "APPLIED"),
    ).toBe(true);
    expect((await h.employee(people[3] as string))?.lastName).toBe("Waiting");
    expect((await h.employee(people[4] as string))?.lastName).toBe("AlsoWaiting");
  }, 60_000);

  it("sets NEEDS_RECONNECT when Bob refuses the credential during a full sync", async () => {
    const other = {
      kind: "SERVICE_USER" as const,
      id: "SERVICE-HEALTH-2",
      token: "health-check-token-fedcba9876543210",
    };
    h.sim.addCredential({ ...other, scopes: ["Full employee read", "Employee fields read"] });
    await connect(other);
    h.sim.revokeCredential(other);
    const run = await h.syncAndWait();
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatch(/Bob/);
    const view = await integration();
    expect(view.status).toBe("NEEDS_RECONNECT");
    expect(view.health.needsReconnectReason).toMatch(/Bob refused the stored credential/);
    await connect(h.sim.credentials.serviceUser);
    expect((await integration()).status).toBe("CONNECTED");
  }, 60_000);
});
