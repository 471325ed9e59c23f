/**
 * Notifications (SyncSettings.notificationUrl): one signed JSON POST per event to a real local
 * receiver (node:http), through pg-boss with retries, on both databases. The receiver's name
 * "receiver.test" resolves to 127.0.0.1 through the injected resolver, and that one internal
 * address is allowed (GatewayOptions.notifications, tests only): the URL check itself is the real one.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NotificationOutcome } from "../../src/app.js";
import { OrmNotificationStore } from "../../src/persistence/stores/notification-store.js";
import { resealStoredSecrets } from "../../src/persistence/stores/secret-rotation.js";
import { SecretBox } from "../../src/security/secret-box.js";
import { deferred, within, type Deferred } from "../support/deferred.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { startTestGateway } from "../support/test-gateway.js";

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly body: {
    id: string;
    type: string;
    companyId: string;
    occurredAt: string;
    run?: { id: string; status: string; error: string | null };
    message: string;
  };
}

/** A notification receiver: answers the queued statuses first (then 200) and records every request. */
class Receiver {
  readonly received: Received[] = [];
  readonly answers: number[] = [];
  private readonly waiters: { until: (r: readonly Received[]) => boolean; done: Deferred<void> }[] = [];
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        this.received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
        res.writeHead(this.answers.shift() ?? 200).end("ignored");
        for (const w of [...this.waiters]) if (w.until(this.received)) w.done.resolve();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  of(type: string): Received[] {
    return this.received.filter((r) => r.body.type === type);
  }

  async waitFor(until: (r: readonly Received[]) => boolean, what: string): Promise<void> {
    if (until(this.received)) return;
    const done = deferred<void>();
    this.waiters.push({ until, done });
    await within(done.promise, 30_000, what);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const SETTINGS =
  "settings { deletionSafeguardPercent reconcileEveryHours timeZone notificationUrl } notificationSecret";
type IntegrationAnswer = {
  settings: { deletionSafeguardPercent: number; timeZone: string; notificationUrl: string | null };
  notificationSecret: string | null;
};

function verifies(r: Received, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(r.raw).digest("hex")}`);
  const given = Buffer.from(String(r.headers["x-gateway-signature"] ?? ""));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("notifications", () => {
  const receiver = new Receiver();
  const outcomes: NotificationOutcome[] = [];
  const outcomeWaiters: { until: (o: NotificationOutcome) => boolean; done: Deferred<void> }[] = [];
  let h: SyncHarness;
  let url: string;
  let secret: string;

  const update = (input: Record<string, unknown>) =>
    h.gw.gql<{ updateSyncSettings: IntegrationAnswer }>(
      `mutation($i: UpdateSyncSettingsInput!) { updateSyncSettings(input: $i) { ${SETTINGS} } }`,
      { i: input },
      h.admin,
    );
  const current = async () =>
    (await h.gql<{ integration: IntegrationAnswer }>(`{ integration { ${SETTINGS} } }`)).integration;
  /** Resolves once an attempt with this outcome was made (the worker reports every attempt). */
  const outcome = async (until: (o: NotificationOutcome) => boolean, what: string) => {
    if (outcomes.some(until)) return;
    const done = deferred<void>();
    outcomeWaiters.push({ until, done });
    await within(done.promise, 30_000, what);
  };

  beforeAll(async () => {
    await receiver.start();
    h = await startSyncHarness({
      employees: 0,
      companyId: "notify-co",
      gateway: {
        jobs: { notificationRetryDelaySeconds: 1 },
        notifications: {
          resolver: async (host) => (host === "receiver.test" ? [{ address: "127.0.0.1", family: 4 }] : []),
          allowPrivateNotificationTargets: ["127.0.0.1"],
          onOutcome: (o) => {
            outcomes.push(o);
            for (const w of [...outcomeWaiters]) if (w.until(o)) w.done.resolve();
          },
        },
      },
    });
    for (let i = 0; i < 10; i++)
      h.sim.company.createEmployee({
        "root.firstName": `Nia${i}`,
        "root.surname": `Note${i}`,
        "root.email": `nia${i}@acme.example`,
        "work.startDate": "2020-01-01",
      });
    expect((await h.syncAndWait()).status).toBe("SUCCEEDED");
    url = `http://receiver.test:${receiver.port}/peakon/hooks?team=7`;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await receiver.close();
  });

  it("returns the signing secret once, when the URL is set, and never logs it", async () => {
    const set = await update({ notificationUrl: url });
    expect(set.errors).toBeUndefined();
    expect(set.data?.updateSyncSettings.settings.notificationUrl).toBe(url);
    secret = set.data?.updateSyncSettings.notificationSecret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect((await current()).notificationSecret).toBeNull();
    expect((await current()).settings.notificationUrl).toBe(url);
    // The same URL again keeps the secret: nothing to show.
    expect((await update({ notificationUrl: url })).data?.updateSyncSettings.notificationSecret).toBeNull();
    expect(h.gw.logs.join("")).not.toContain(secret);
  });

  it("refuses bad URLs with BAD_USER_INPUT and changes nothing", async () => {
    const bad = [
      "not a url",
      "ftp://receiver.test/x",
      "http://localhost:8080/x",
      "http://127.0.0.1:8080/x",
      "http://10.0.0.7/x",
      "http://192.168.1.1/",
      "http://172.16.0.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://100.64.0.1/",
      "http://0.0.0.0/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[fe80::1]/",
      "http://[fd00::1]/",
      "https://user:pw@receiver.test/",
      `https://receiver.test/${"x".repeat(2001)}`,
    ];
    for (const notificationUrl of bad) {
      const res = await update({ notificationUrl, timeZone: "Europe/Paris", deletionSafeguardPercent: 50 });
      expect(res.errors?.[0]?.extensions?.code, notificationUrl).toBe("BAD_USER_INPUT");
    }
    const after = await current();
    expect(after.settings).toMatchObject({ notificationUrl: url, timeZone: "UTC", deletionSafeguardPercent: 20 });
  });

  it("posts one signed RUN_FAILED notification when a run fails", async () => {
    h.sim.faults.set({ truncatedNext: 1000 });
    const run = await h.syncAndWait();
    h.sim.faults.reset();
    expect(run.status).toBe("FAILED");
    await receiver.waitFor((r) => r.some((x) => x.body.type === "RUN_FAILED"), "the RUN_FAILED notification");
    const [got] = receiver.of("RUN_FAILED");
    expect(got?.body).toMatchObject({
      type: "RUN_FAILED",
      companyId: h.companyId,
      run: { id: run.id, status: "FAILED", error: run.error },
    });
    expect(got?.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(got?.body.message).toContain("failed");
    expect(new Date(got?.body.occurredAt as string).toISOString()).toBe(got?.body.occurredAt);
    expect(got?.headers["content-type"]).toBe("application/json");
    expect(got?.headers["x-gateway-event"]).toBe("RUN_FAILED");
    expect(got?.headers["x-gateway-delivery"]).toBe(got?.body.id);
    expect(verifies(got as Received, secret)).toBe(true);
    expect(verifies(got as Received, "another-secret")).toBe(false);
    // The same event again is not sent again.
    await h.gw.gateway.notifications.notify(h.companyId, {
      type: "RUN_FAILED",
      run: { id: run.id, status: "FAILED", error: run.error },
    });
    expect(receiver.of("RUN_FAILED")).toHaveLength(1);
  }, 90_000);

  it("retries a refused delivery with backoff: 500, 500, then 200 gets the same event three times, then no more", async () => {
    receiver.answers.push(500, 500);
    const connectedAt = new Date("2026-06-15T12:00:00Z");
    await h.gw.gateway.notifications.notify(h.companyId, {
      type: "CREDENTIAL_REFUSED",
      connectedAt,
      reason: "Bob answered 401.",
    });
    await outcome(
      (o) => o.type === "CREDENTIAL_REFUSED" && o.outcome === "SENT",
      "the credential notification to be delivered",
    );
    const got = receiver.of("CREDENTIAL_REFUSED");
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.raw)).size).toBe(1); // the same bytes, the same signature, every time
    expect(got.every((r) => verifies(r, secret))).toBe(true);
    expect(outcomes.filter((o) => o.type === "CREDENTIAL_REFUSED").map((o) => o.outcome)).toEqual([
      "FAILED",
      "FAILED",
      "SENT",
    ]);
    // Told once per connection: the same refusal again sends nothing.
    await h.gw.gateway.notifications.notify(h.companyId, {
      type: "CREDENTIAL_REFUSED",
      connectedAt,
      reason: "Bob answered 401 again.",
    });
    expect(got[0]?.body.message).toContain("Bob answered 401.");
  }, 60_000);

  it("sends NO_SUCCESSFUL_SYNC once when no sync succeeded for 24 h, not again the same day", async () => {
    expect(await h.gw.gateway.notifications.checkSilence()).toBe(0); // the first sync succeeded less than 24 h ago
    h.clock.set(new Date(h.clock.now().getTime() + 25 * 3_600_000));
    await h.gw.gateway.notifications.checkSilence();
    await receiver.waitFor(
      (r) => r.some((x) => x.body.type === "NO_SUCCESSFUL_SYNC"),
      "the NO_SUCCESSFUL_SYNC notification",
    );
    expect(await h.gw.gateway.notifications.checkSilence()).toBe(0);
    h.clock.set(new Date(h.clock.now().getTime() + 3 * 3_600_000));
    expect(await h.gw.gateway.notifications.checkSilence()).toBe(0);
    const [got] = receiver.of("NO_SUCCESSFUL_SYNC");
    expect(got?.body).toMatchObject({ type: "NO_SUCCESSFUL_SYNC", companyId: h.companyId });
    expect(got?.body.run).toBeUndefined();
    expect(verifies(got as Received, secret)).toBe(true);
    // Outbound events of the other tests were sent by then; everything stayed once.
    expect(receiver.of("NO_SUCCESSFUL_SYNC")).toHaveLength(1);
    expect(receiver.of("CREDENTIAL_REFUSED")).toHaveLength(3);
  }, 60_000);

  it("posts one signed RUN_HELD notification when the deletion safeguard holds a run", async () => {
    const victims = h.sim.company
      .employees()
      .filter((e) => e.lifecycleStatus === "employed")
      .slice(0, 4);
    for (const v of victims) h.sim.company.deleteEmployee(v.id);
    const held = await h.syncAndWait();
    expect(held.status).toBe("HELD");
    await receiver.waitFor((r) => r.some((x) => x.body.type === "RUN_HELD"), "the RUN_HELD notification");
    const got = receiver.of("RUN_HELD");
    expect(got).toHaveLength(1);
    expect(got[0]?.body).toMatchObject({
      type: "RUN_HELD",
      companyId: h.companyId,
      run: { id: held.id, status: "HELD", error: null },
    });
    expect(verifies(got[0] as Received, secret)).toBe(true);
  }, 90_000);

  it("stops sending when notifications are turned off, even what was already queued", async () => {
    receiver.answers.push(500); // the first attempt fails; the retry finds notifications off
    await h.gw.gateway.notifications.notify(h.companyId, {
      type: "RUN_FAILED",
      run: { id: "00000000-0000-4000-8000-000000000001", status: "FAILED", error: "x" },
    });
    await outcome((o) => o.type === "RUN_FAILED" && o.outcome === "FAILED", "the first attempt to fail");
    const off = await update({ notificationUrl: "" });
    expect(off.data?.updateSyncSettings).toMatchObject({
      settings: { notificationUrl: null },
      notificationSecret: null,
    });
    await outcome((o) => o.type === "RUN_FAILED" && o.outcome === "OFF", "the retry to be dropped");
    const before = receiver.received.length;
    // Off: nothing is queued at all.
    await h.gw.gateway.notifications.notify(h.companyId, {
      type: "RUN_FAILED",
      run: { id: "00000000-0000-4000-8000-000000000002", status: "FAILED", error: "x" },
    });
    expect(await h.gw.gateway.notifications.checkSilence()).toBe(0);
    expect(receiver.received.length).toBe(before);
    expect(receiver.of("RUN_FAILED").map((r) => r.body.run?.id)).not.toContain("00000000-0000-4000-8000-000000000002");
    // Setting a URL again gives a new secret.
    const again = await update({ notificationUrl: url });
    expect(again.data?.updateSyncSettings.notificationSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(again.data?.updateSyncSettings.notificationSecret).not.toBe(secret);
    secret = again.data?.updateSyncSettings.notificationSecret as string;
  }, 60_000);

  // Last: it leaves the running gateway's key behind.
  it("keeps the secret sealed at rest and re-seals it on ENCRYPTION_KEY rotation", async () => {
    const [row] = await h.gw.gateway.db.query<{ ciphertext: string }>(
      null,
      "select notification_secret_ciphertext as ciphertext from company where id = $1",
      [h.companyId],
    );
    expect(row?.ciphertext).toMatch(/^v1\./);
    expect(row?.ciphertext).not.toContain(secret);
    const previous = Buffer.from(h.gw.config.encryptionKey as string, "base64");
    const next = randomBytes(32);
    expect(
      (await resealStoredSecrets(h.gw.gateway.db, new SecretBox(next, [previous]))).resealed,
    ).toBeGreaterThanOrEqual(1);
    const onlyNext = new OrmNotificationStore(h.gw.gateway.db, new SecretBox(next), h.gw.gateway.jobs);
    expect(await onlyNext.target(h.companyId)).toEqual({ url, secret });
  });
});

describe("notification URLs in production", () => {
  it("accepts https only", async () => {
    const gw = await startTestGateway({ production: true });
    await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token("prod-co", "SUPPORT"));
    const admin = await gw.token("prod-co", "ADMIN");
    const set = (notificationUrl: string) =>
      gw.gql<{ updateSyncSettings: IntegrationAnswer }>(
        `mutation($i: UpdateSyncSettingsInput!) { updateSyncSettings(input: $i) { ${SETTINGS} } }`,
        { i: { notificationUrl } },
        admin,
      );
    const http = await set("http://hooks.example.com/peakon");
    expect(http.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(http.errors?.[0]?.message).toMatch(/https/);
    const https = await set("https://hooks.example.com/peakon");
    expect(https.errors).toBeUndefined();
    expect(https.data?.updateSyncSettings.settings.notificationUrl).toBe("https://hooks.example.com/peakon");
    expect(https.data?.updateSyncSettings.notificationSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await gw.stop();
  }, 60_000);
});
