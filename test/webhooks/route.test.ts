import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import {
  HOOK_SECRET,
  deliveries,
  enableRealTime,
  post,
  settled,
  signedPost,
  v2Event,
} from "../support/webhook-harness.js";

describe("setHookSecret", () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "secret-co" });
  });
  afterAll(async () => h?.close());

  it("is NOT_CONNECTED before a credential is stored", async () => {
    const other = await h.gw.token("unconnected-co", "SUPPORT");
    await h.gw.gql("mutation { enableIntegration { status } }", {}, other);
    const res = await h.gw.gql(
      'mutation { setHookSecret(input: { secret: "abc" }) { realTimeUpdates } }',
      {},
      await h.gw.token("unconnected-co", "ADMIN"),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("NOT_CONNECTED");
  });

  it.each([
    ["empty", ""],
    ["whitespace", "  \n"],
    ["over 1 KiB", "s".repeat(1025)],
  ])("rejects a secret that is %s with BAD_USER_INPUT", async (_what, secret) => {
    const res = await h.gw.gql(
      "mutation($s: String!) { setHookSecret(input: { secret: $s }) { realTimeUpdates } }",
      { s: secret },
      h.admin,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(
      (await h.gql<{ integration: { realTimeUpdates: boolean } }>("{ integration { realTimeUpdates } }")).integration
        .realTimeUpdates,
    ).toBe(false);
  });

  it("stores the secret encrypted and turns real-time updates on", async () => {
    await enableRealTime(h);
    expect(
      (await h.gql<{ integration: { realTimeUpdates: boolean } }>("{ integration { realTimeUpdates } }")).integration
        .realTimeUpdates,
    ).toBe(true);
    const rows = await h.gw.gateway.db.em().execute("select * from bob_connection where company_id = 'secret-co'");
    expect(JSON.stringify(rows)).not.toContain(HOOK_SECRET);
    expect(h.gw.logs.join("\n")).not.toContain(HOOK_SECRET);
  });
});

describe("POST /webhooks/bob/:webhookKey", () => {
  let h: SyncHarness;
  let url: string;
  let target: string;
  const stored = async () =>
    Number((await h.gw.gateway.db.em().execute<{ n: string }[]>("select count(*) as n from webhook_delivery"))[0]?.n);

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "route-co" });
    target = h.sim.company.createEmployee({
      "root.firstName": "Rita",
      "root.surname": "Route",
      "root.email": "rita@acme.example",
    });
    await h.syncAndWait();
    const key = (
      await h.gql<{ integration: { webhookUrl: string } }>("{ integration { webhookUrl } }")
    ).integration.webhookUrl
      .split("/")
      .at(-1);
    url = `${h.gw.url}/webhooks/bob/${key}`;
  });
  afterAll(async () => h?.close());

  it("answers 404 to an unknown webhook key and stores nothing", async () => {
    const res = await signedPost(`${h.gw.url}/webhooks/bob/not-a-key`, v2Event("employee.updated", target));
    expect(res.status).toBe(404);
    expect(await stored()).toBe(0);
  });

  it("answers 401 while no hook secret is stored (Bob retries for days)", async () => {
    expect((await signedPost(url, v2Event("employee.updated", target))).status).toBe(401);
    expect(await stored()).toBe(0);
  });

  it("answers Bob's ping test with 200, as plain text or JSON, without a signature", async () => {
    expect((await post(url, "Ping test", { "content-type": "text/plain" })).status).toBe(200);
    expect((await post(url, JSON.stringify({ text: "Ping test" }))).status).toBe(200);
    expect(await stored()).toBe(0);
  });

  describe("once the hook secret is stored", () => {
    beforeAll(async () => {
      await enableRealTime(h);
    });

    it("answers Bob's ping through the emitter", async () => {
      expect((await h.sim.webhooks.ping()).ok ?? true).toBeTruthy();
    });

    it.each([
      ["missing", undefined],
      ["wrong", "bm90IHRoZSByaWdodCBzaWduYXR1cmU="],
      ["made with another (stale) secret", "STALE"],
    ])("rejects a %s signature with 401 and stores nothing", async (_what, signature) => {
      const body = v2Event("employee.updated", target);
      const headers: Record<string, string> = {};
      if (signature === "STALE") {
        const { bobSignature } = await import("../../simulator/index.js");
        headers["bob-signature"] = bobSignature("an-old-secret", body);
      } else if (signature) headers["bob-signature"] = signature;
      expect((await post(url, body, headers)).status).toBe(401);
      expect(await stored()).toBe(0);
    });

    it("answers 413 to a body over 1 MiB", async () => {
      const body = JSON.stringify({
        type: "employee.updated",
        data: { employeeId: target, pad: "x".repeat(1024 * 1024) },
      });
      expect((await signedPost(url, body)).status).toBe(413);
      expect(await stored()).toBe(0);
    });

    it.each([
      ["not JSON", "type=employee.updated"],
      ["JSON but not an event", '{"hello":"world"}'],
      ["an employee event without an employee", '{"type":"employee.updated","data":{}}'],
    ])("answers 400 to a signed body that is %s, and applies nothing", async (_what, body) => {
      expect((await signedPost(url, body)).status).toBe(400);
      expect(await stored()).toBe(0);
    });

    it("stores a signed event durably before answering 202, applies it, and applies a replay once", async () => {
      h.sim.company.updateEmployee(target, { "root.surname": "Routed" }, {});
      const body = v2Event("employee.updated", target, { fieldUpdates: [{ fieldId: "root.surname" }] });
      const first = await signedPost(url, body);
      expect(first.status).toBe(202);
      const original = (await first.json()) as { deliveryId: string; duplicate: boolean };
      const again = await signedPost(url, body);
      expect(again.status).toBe(202);
      const replay = (await again.json()) as { deliveryId: string; duplicate: boolean };
      expect([original.duplicate, replay.duplicate]).toEqual([false, true]);
      // The replay is counted on the first delivery's record, not stored again.
      expect(replay.deliveryId).toBe(original.deliveryId);
      const all = await settled(h);
      expect(all.filter((d) => d.id === original.deliveryId).map((d) => d.status)).toEqual(["APPLIED"]);
      const [row] = await h.gw.gateway.db
        .em()
        .execute<{ replays: number }[]>("select replays from webhook_delivery where id = ?", [original.deliveryId]);
      expect(row?.replays).toBe(1);
      expect((await h.employee(target))?.lastName).toBe("Routed");
    });

    it("lists deliveries newest first with a total count and pages", async () => {
      await signedPost(url, v2Event("table.entry.created", target, { tableId: "work" }));
      await settled(h);
      const page = await h.gql<{
        webhookDeliveries: {
          totalCount: number;
          edges: { node: { eventType: string; status: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      }>(
        "{ webhookDeliveries(first: 1) { totalCount edges { node { eventType status } } pageInfo { hasNextPage endCursor } } }",
      );
      expect(page.webhookDeliveries.edges[0]?.node).toEqual({ eventType: "table.entry.created", status: "IGNORED" });
      expect(page.webhookDeliveries.pageInfo.hasNextPage).toBe(true);
      expect(page.webhookDeliveries.totalCount).toBe((await deliveries(h)).length);
    });
  });
});
