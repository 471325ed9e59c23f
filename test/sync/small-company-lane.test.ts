import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { within } from "../support/deferred.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

const STUCK = { kind: "SERVICE_USER" as const, id: "lane-stuck-user", token: "lane-stuck-token-0123456789abcdef" };
const CONNECT = "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }";
const STATUS = "query($id: ID!) { syncRun(id: $id) { status } }";

/**
 * The small-company lane: with one sync worker (SYNC_CONCURRENCY=1) held by company A's sync,
 * whose Bob hangs, company B, whose last sync fetched a few dozen people, still gets its manual
 * sync at once. Without the lane B would wait for A's Bob timeout.
 */
describe("a small company's sync does not wait for the syncs holding every worker", () => {
  let h: SyncHarness;
  let aAdmin: string;
  const a = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await h.gw.gql<T>(query, variables, aAdmin);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data as T;
  };

  beforeAll(async () => {
    h = await startSyncHarness({
      employees: 30,
      companyId: "lane-b",
      config: { syncConcurrency: 1, bobSyncTimeoutMs: 60_000 },
    });
    expect((await h.syncAndWait()).status).toMatch(/^(SUCCEEDED|PARTIAL)$/); // B is now known to be small
    h.sim.addCredential({ ...STUCK, scopes: ["Full employee read", "Employee fields read"] });
    await h.gw.gql("mutation { enableIntegration { status } }", {}, await h.gw.token("lane-a", "SUPPORT"));
    aAdmin = await h.gw.token("lane-a", "ADMIN");
    await a(CONNECT, { i: { accessToken: STUCK.token, serviceUserId: STUCK.id } });
  }, 60_000);
  afterAll(async () => {
    await h?.sim.close(); // ends the held calls first, so the gateway stops without waiting them out
    await h?.gw.stop();
  });

  it("runs B's manual sync while A's first sync (size unknown) holds the only worker on a hung Bob", async () => {
    h.sim.faults.set({ hangCredentials: [STUCK.id] });
    const aRun = (await a<{ synchronizeNow: { id: string } }>("mutation { synchronizeNow { id } }")).synchronizeNow.id;
    await within(
      (async () => {
        while ((await a<{ syncRun: { status: string } }>(STATUS, { id: aRun })).syncRun.status !== "RUNNING")
          await new Promise((r) => setTimeout(r, 50));
      })(),
      15_000,
      "A's run to start",
    );

    const started = Date.now();
    const bRun = await within(h.syncAndWait(), 15_000, "B's sync");
    expect(bRun.status).toMatch(/^(SUCCEEDED|PARTIAL)$/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await a<{ syncRun: { status: string } }>(STATUS, { id: aRun })).syncRun.status).toBe("RUNNING");
  }, 90_000);
});
