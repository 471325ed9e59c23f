import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/app.js";
import type { GatewayConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/logger.js";
import { systemClock } from "../../src/domain/ports/clock.js";
import { WebhookIntake } from "../../src/domain/webhooks/webhook-intake.js";
import { OrmConnectionStore } from "../../src/persistence/stores/connection-store.js";
import { OrmDeliveryStore } from "../../src/persistence/stores/delivery-store.js";
import { PostgresOwnerChangesBus } from "../../src/pubsub/owner-changes-bus.js";
import { PostgresListener } from "../../src/pubsub/pg-listener.js";
import { SecretBox } from "../../src/security/secret-box.js";
import { startBobSimulator, type BobSimulator } from "../../simulator/index.js";
import { deferred, within } from "../support/deferred.js";
import { createTestDatabase, TEST_DB, type TestDatabase } from "../support/test-database.js";
import { signedPost, v2Event } from "../support/webhook-harness.js";

/**
 * Webhook owners are cached per replica (30 s) (`WebhookIntake`). On PostgreSQL a new hook
 * secret, a disconnect or a rotated URL made through one replica reaches every other replica's
 * cache through NOTIFY (`pubsub/owner-changes-bus.ts`), so right after the admin's mutation
 * returns no replica accepts a delivery signed with the old secret or sent to the old URL.
 * Two real gateways (in this process, each with its own pools, LISTEN connection and owner
 * cache) on one PostgreSQL database; deliveries are sent right after the mutation, no waiting.
 */
const COMPANY = "owner-changes-co";
const ENCRYPTION_KEY = randomBytes(32);
const OLD_SECRET = "old-hook-secret-0123456789abcdef";
const NEW_SECRET = "new-hook-secret-0123456789abcdef";
const CONNECT = "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }";
const SET_SECRET = "mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl realTimeUpdates } }";

interface Replica {
  readonly gw: Gateway;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

// Replicas share one PostgreSQL database; PGlite lives inside a single process.
describe.runIf(TEST_DB === "postgres")("webhook owner changes across replicas on one PostgreSQL", () => {
  let sim: BobSimulator;
  let db: TestDatabase;
  const started: Gateway[] = [];
  let a: Replica;
  let b: Replica;
  let employeeId: string;
  let n = 0;
  /** A signed event no earlier delivery carried (a fresh body, not a replay). */
  const freshEvent = (): string => v2Event("employee.updated", employeeId, { probe: ++n });
  const keyOf = (webhookUrl: string): string => webhookUrl.split("/").at(-1) as string;
  const urlOn = (replica: Replica, key: string): string => `${replica.gw.url}/webhooks/bob/${key}`;
  const storedDeliveries = async (): Promise<number> =>
    (
      await a.gw.db.query<{ n: number }>(
        null,
        "select count(*)::int as n from webhook_delivery where company_id = $1",
        [COMPANY],
      )
    )[0]?.n ?? 0;

  async function start(config: GatewayConfig): Promise<Replica> {
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    const gw = await startGateway(config, {
      logger: createLogger("warn", sink),
      jobs: { retentionStartDelaySeconds: 3600 },
    });
    started.push(gw);
    return {
      gw,
      async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
        const role = query.includes("enableIntegration") ? "SUPPORT" : "ADMIN";
        const token = await gw.tokens.mint({ subject: "owner-changes-test", companyId: COMPANY, role });
        const res = await fetch(`${gw.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await res.json()) as { data?: T; errors?: unknown };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        return body.data as T;
      },
    };
  }

  /** Connects the company and stores `secret` through replica A; the webhook key. */
  async function connectWithSecret(secret: string): Promise<string> {
    expect(
      (
        await a.gql<{ connectIntegration: { status: string } }>(CONNECT, {
          i: { accessToken: sim.credentials.serviceUser.token, serviceUserId: sim.credentials.serviceUser.id },
        })
      ).connectIntegration.status,
    ).toBe("CONNECTED");
    const set = await a.gql<{ setHookSecret: { webhookUrl: string; realTimeUpdates: boolean } }>(SET_SECRET, {
      s: secret,
    });
    expect(set.setHookSecret.realTimeUpdates).toBe(true);
    return keyOf(set.setHookSecret.webhookUrl);
  }

  beforeAll(async () => {
    sim = await startBobSimulator({ port: 0, seed: 7, employees: 3 });
    employeeId = sim.company.employees()[0]?.id as string;
    db = await createTestDatabase();
    const config: GatewayConfig = {
      port: 0,
      host: "127.0.0.1",
      database: db.target,
      bobApiUrl: sim.baseUrl,
      bobSyncTimeoutMs: 120_000,
      directoryCacheEmployees: 100_000,
      publicUrl: "http://gateway.test",
      production: false,
      dataDir: "/nonexistent-test-data-dir",
      jwtSecret: randomBytes(32).toString("base64url"),
      jwtMaxAgeSeconds: 86_400,
      encryptionKey: ENCRYPTION_KEY.toString("base64"),
      logLevel: "warn",
    };
    // Migrations run on the first replica; the second finds the schema ready.
    a = await start(config);
    b = await start(config);
    await a.gql("mutation { enableIntegration { status } }");
  });
  afterAll(async () => {
    for (const gw of started) await gw.stop();
    await db?.drop();
    await sim?.close();
  });

  it("refuses the old secret on replica B right after a new one is set through replica A", async () => {
    const key = await connectWithSecret(OLD_SECRET);
    const onB = urlOn(b, key);
    expect((await signedPost(onB, freshEvent(), OLD_SECRET)).status).toBe(202); // B caches the owner now

    await a.gql(SET_SECRET, { s: NEW_SECRET });
    const before = await storedDeliveries();
    const refused = await signedPost(onB, freshEvent(), OLD_SECRET);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ reason: "missing or invalid Bob-Signature" });
    expect(await storedDeliveries()).toBe(before);
    expect((await signedPost(onB, freshEvent(), NEW_SECRET)).status).toBe(202);
  });

  it("answers 404 on replica B for the old URL right after it is rotated through replica A", async () => {
    const key = await connectWithSecret(OLD_SECRET);
    expect((await signedPost(urlOn(b, key), freshEvent(), OLD_SECRET)).status).toBe(202); // cached on B

    const rotated = (
      await a.gql<{ rotateWebhookUrl: { webhookUrl: string } }>("mutation { rotateWebhookUrl { webhookUrl } }")
    ).rotateWebhookUrl;
    const before = await storedDeliveries();
    expect((await signedPost(urlOn(b, key), freshEvent(), OLD_SECRET)).status).toBe(404);
    expect(await storedDeliveries()).toBe(before);
    const newKey = keyOf(rotated.webhookUrl);
    expect(newKey).not.toBe(key);
    expect((await signedPost(urlOn(b, newKey), freshEvent(), OLD_SECRET)).status).toBe(202);
  });

  it("refuses a signed delivery on replica B right after disconnectIntegration through replica A", async () => {
    const key = await connectWithSecret(OLD_SECRET);
    expect((await signedPost(urlOn(b, key), freshEvent(), OLD_SECRET)).status).toBe(202); // cached on B

    await a.gql("mutation { disconnectIntegration { status } }");
    const before = await storedDeliveries();
    const refused = await signedPost(urlOn(b, key), freshEvent(), OLD_SECRET);
    expect(refused.status).toBe(401); // the key stays, the hook secret is gone
    expect(await refused.json()).toMatchObject({ reason: "no hook secret stored yet" });
    expect(await storedDeliveries()).toBe(before);
  });

  it("forgets every cached owner once its LISTEN connection is back, as changes may have gone unheard meanwhile", async () => {
    const key = await connectWithSecret(OLD_SECRET);
    // A third replica's intake and owner-changes bus, wired as app.ts wires them, on a listener
    // that reconnects 10 ms after a loss (instead of 1 s, the owner cache's own lifetime).
    const connections = new OrmConnectionStore(a.gw.db, new SecretBox(ENCRYPTION_KEY));
    const intake = new WebhookIntake(connections, new OrmDeliveryStore(a.gw.db, a.gw.jobs), systemClock);
    const listenerPids = async (): Promise<number[]> =>
      (
        await a.gw.db.query<{ pid: number }>(
          null,
          "select pid from pg_stat_activity where datname = current_database() and application_name = $1",
          ["bob-gateway-listener"],
        )
      ).map((r) => r.pid);
    const others = await listenerPids();
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    const logger = createLogger("warn", sink);
    const listener = await PostgresListener.start((db.target as { url: string }).url, logger, { reconnectMs: 10 });
    try {
      await PostgresOwnerChangesBus.start(a.gw.db, listener, intake, logger);
      const [pid, ...more] = (await listenerPids()).filter((p) => !others.includes(p));
      expect(pid).toBeDefined();
      expect(more).toEqual([]);

      // Taken before the entry is cached: without the forgetting, the loop below ends 1 s after it at the earliest.
      const cachedAt = performance.now();
      expect(await intake.owner(key)).toMatchObject({ hookSecret: OLD_SECRET, cached: false });
      expect(await intake.owner(key)).toMatchObject({ hookSecret: OLD_SECRET, cached: true });
      // A change no NOTIFY announces: what a replica whose listener is down misses.
      await connections.saveHookSecret(COMPANY, NEW_SECRET);
      expect(await intake.owner(key)).toMatchObject({ hookSecret: OLD_SECRET, cached: true });

      await a.gw.db.query(null, "select pg_terminate_backend($1)", [pid]);
      const fresh = await within(
        (async () => {
          for (;;) {
            const owner = await intake.owner(key);
            if (!owner?.cached) return owner;
            await new Promise((resolve) => setImmediate(resolve)); // let the reconnect happen
          }
        })(),
        5_000,
        "the cached owner to be forgotten",
      );
      // Forgotten on resuming, well before the cache's life would have run out by itself.
      expect(performance.now() - cachedAt).toBeLessThan(1_000);
      expect(fresh).toMatchObject({ hookSecret: NEW_SECRET, cached: false });
    } finally {
      await listener.close();
    }
  });
});

describe.runIf(TEST_DB === "postgres")("the shared LISTEN connection", () => {
  let db: TestDatabase;
  let listener: PostgresListener | null = null;
  const admin = async (sql: string, params: unknown[] = []): Promise<void> => {
    const client = new pg.Client({ connectionString: (db.target as { url: string }).url });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await listener?.close();
    await db?.drop();
  });

  it("reconnects after its backend is killed, listens to every channel again and says it resumed", async () => {
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    listener = await PostgresListener.start((db.target as { url: string }).url, createLogger("warn", sink));
    const heard: Record<string, unknown[]> = { first_channel: [], second_channel: [] };
    const resumed = deferred<void>();
    let arrived = deferred<void>();
    for (const channel of Object.keys(heard))
      await listener.listen(channel, {
        notified: (payload) => {
          heard[channel]?.push(payload);
          arrived.resolve();
        },
        ...(channel === "second_channel" ? { resumed: () => resumed.resolve() } : {}),
      });

    await admin("select pg_notify('first_channel', $1)", [JSON.stringify({ n: 1 })]);
    await within(arrived.promise, 5_000, "the first notification");
    arrived = deferred<void>();
    await admin("select pg_notify('second_channel', 'not json')"); // dropped, the connection stays
    await admin(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1",
      ["bob-gateway-listener"],
    );
    await within(resumed.promise, 10_000, "the listener to resume");
    await admin("select pg_notify('second_channel', $1)", [JSON.stringify({ n: 2 })]);
    await within(arrived.promise, 5_000, "a notification after the reconnect");
    expect(heard).toEqual({ first_channel: [{ n: 1 }], second_channel: [{ n: 2 }] });
  });
});
