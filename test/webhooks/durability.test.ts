import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CallerTokens } from "../../src/auth/caller-tokens.js";
import { startBobSimulator, type BobSimulator } from "../../simulator/index.js";
import { within } from "../support/deferred.js";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.js";
import { TODAY, startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { HOOK_SECRET, enableRealTime, settled, signedPost, v2Event } from "../support/webhook-harness.js";

describe("webhook application when Bob fails", () => {
  let h: SyncHarness;
  let person: string;
  beforeAll(async () => {
    h = await startSyncHarness({
      employees: 0,
      companyId: "flaky-co",
      gateway: { jobs: { webhookRetryLimit: 2, webhookRetryDelaySeconds: 1 } },
    });
    person = h.sim.company.createEmployee({
      "root.firstName": "Flo",
      "root.surname": "Flaky",
      "root.email": "flo@acme.example",
    });
    await h.syncAndWait();
    await enableRealTime(h);
  });
  afterAll(async () => h?.close());

  it("retries while Bob is down and applies once Bob is back", async () => {
    h.sim.faults.set({ fail5xxNext: 1_000_000 });
    h.sim.company.updateEmployee(person, { "root.surname": "Recovered" });
    await h.sim.webhooks.idle();
    // Bob has refused at least one application attempt before it comes back.
    await within(
      (async () => {
        while (
          h.sim.requests.count({ status: 500 }) +
            h.sim.requests.count({ status: 502 }) +
            h.sim.requests.count({ status: 503 }) ===
          0
        )
          await new Promise((r) => setTimeout(r, 50));
      })(),
      30_000,
      "a failed attempt",
    );
    h.sim.faults.reset();
    const all = await settled(h);
    expect(all[0]).toMatchObject({ eventType: "employee.updated", status: "APPLIED" });
    expect((await h.employee(person))?.lastName).toBe("Recovered");
  }, 60_000);

  it("marks the delivery FAILED with its error after the last attempt; the next full sync repairs the employee", async () => {
    h.sim.faults.set({ fail5xxNext: 1_000_000 });
    h.sim.company.updateEmployee(person, { "root.surname": "Repaired" });
    await h.sim.webhooks.idle();
    const all = await settled(h, 90_000);
    expect(all[0]).toMatchObject({ status: "FAILED", error: expect.stringMatching(/Bob.*full sync will repair/s) });
    expect((await h.employee(person))?.lastName).toBe("Recovered");
    h.sim.faults.reset();
    const run = await h.syncAndWait();
    expect(run.counts.updated).toBe(1);
    expect((await h.employee(person))?.lastName).toBe("Repaired");
  }, 120_000);
});

describe("scheduled reconciliation", () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 20, companyId: "reconcile-co" });
  });
  afterAll(async () => h?.close());

  it("is registered with pg-boss's scheduler and repairs what webhooks missed (trigger SCHEDULED)", async () => {
    const schedules = await h.gw.gateway.jobs.boss.getSchedules();
    expect(schedules.map((s) => s.name)).toContain("reconcile");
    await h.gql("mutation { updateSyncSettings(input: { reconcileEveryHours: 6 }) { status } }");
    await h.syncAndWait();
    const someone = h.sim.company.employees().find((e) => e.lifecycleStatus === "employed") as { id: string };
    h.sim.company.updateEmployee(someone.id, { "root.surname": "Reconciled" }); // no webhook subscriber: missed

    await h.gw.gateway.jobs.triggerReconcile(); // not due yet: nothing queued
    h.clock.setDay("2026-06-16");
    await h.gw.gateway.jobs.triggerReconcile();
    const scheduled = await within(
      (async () => {
        for (;;) {
          const runs = await h.gql<{ syncRuns: { edges: { node: { id: string; trigger: string } }[] } }>(
            "{ syncRuns(first: 5) { edges { node { id trigger } } } }",
          );
          const found = runs.syncRuns.edges.find((e) => e.node.trigger === "SCHEDULED");
          if (found) return found.node.id;
          await new Promise((r) => setTimeout(r, 100));
        }
      })(),
      30_000,
      "a scheduled run",
    );
    const run = await h.waitForRun(scheduled);
    expect(run).toMatchObject({ trigger: "SCHEDULED", phase: "DONE" });
    expect(run.counts.updated).toBe(1);
    expect(run.changes).toEqual([
      expect.objectContaining({ action: "UPDATE", bobEmployeeId: someone.id, fields: ["Last name"] }),
    ]);
    const all = await h.gql<{ syncRuns: { totalCount: number } }>("{ syncRuns { totalCount } }");
    expect(all.syncRuns.totalCount).toBe(2);
  }, 60_000);
});

describe("a gateway killed after its 202", () => {
  let sim: BobSimulator;
  let db: TestDatabase;
  let dir: string | null = null;
  let proc: GatewayProcess | null = null;
  const JWT_SECRET = randomBytes(32).toString("base64url");
  const ENCRYPTION_KEY = randomBytes(32).toString("base64");

  afterEach(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill("SIGKILL");
    await proc?.exited;
    await sim?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("applies the delivery after a restart", async () => {
    sim = await startBobSimulator({ port: 0, seed: 3, employees: 0, today: TODAY });
    const person = sim.company.createEmployee({
      "root.firstName": "Kim",
      "root.surname": "Killed",
      "root.email": "kim@acme.example",
    });
    db = await createTestDatabase();
    dir = db.target.kind === "pglite" ? mkdtempSync(join(tmpdir(), "gateway-pglite-")) : null;
    const env = {
      DATABASE_URL: db.target.kind === "postgres" ? db.target.url : `pglite://${dir}`,
      JWT_SECRET,
      ENCRYPTION_KEY,
      BOB_API_URL: sim.baseUrl,
      PUBLIC_URL: "http://gateway.test",
    };
    proc = await spawnGateway(env);
    const tokens = new CallerTokens(JWT_SECRET);
    const call = async (
      url: string,
      role: "ADMIN" | "SUPPORT",
      query: string,
      variables: Record<string, unknown> = {},
    ) => {
      const token = await tokens.mint({ subject: "t", companyId: "killed-co", role });
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data: Record<string, never>; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    await call(proc.url, "SUPPORT", "mutation { enableIntegration { status } }");
    await call(
      proc.url,
      "ADMIN",
      "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }",
      { i: { accessToken: sim.credentials.accessToken } },
    );
    const integration = (await call(
      proc.url,
      "ADMIN",
      'mutation { setHookSecret(input: { secret: "' + HOOK_SECRET + '" }) { webhookUrl } }',
    )) as { setHookSecret: { webhookUrl: string } };
    const key = integration.setHookSecret.webhookUrl.split("/").at(-1) as string;

    // Bob cannot answer, so the accepted delivery stays waiting in the database.
    sim.faults.set({ fail5xxNext: 1_000_000 });
    sim.company.updateEmployee(person, { "root.surname": "Survived" });
    const res = await signedPost(`${proc.url}/webhooks/bob/${key}`, v2Event("employee.created", person));
    expect(res.status).toBe(202);
    proc.child.kill("SIGKILL");
    await proc.exited;

    sim.faults.reset();
    proc = await spawnGateway(env);
    const applied = await within(
      (async () => {
        for (;;) {
          const data = (await call(
            proc.url,
            "ADMIN",
            "{ webhookDeliveries { edges { node { status error issues { code message } } } } }",
          )) as { webhookDeliveries: { edges: { node: { status: string } }[] } };
          if (data.webhookDeliveries.edges[0]?.node.status === "APPLIED") return data;
          await new Promise((r) => setTimeout(r, 200));
        }
      })(),
      60_000,
      "the delivery to be applied after the restart",
    );
    // Read after APPLIED was seen: a delivery is marked only once its employee is written. (One
    // query with both root fields reads them in two statements, and a drain ending between the
    // two once showed APPLIED beside the employee not yet there.)
    const { employee } = (await call(proc.url, "ADMIN", "query($b: String!) { employee(bobId: $b) { lastName } }", {
      b: person,
    })) as { employee: { lastName: string } | null };
    expect(employee?.lastName, JSON.stringify(applied)).toBe("Survived");
  }, 120_000);
});
