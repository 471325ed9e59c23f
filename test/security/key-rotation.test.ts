import { mkdtemp, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/app.js";
import { bobSignature, startBobSimulator, type BobSimulator } from "../../simulator/index.js";
import type { GatewayConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/logger.js";
import { OrmConnectionStore } from "../../src/persistence/stores/connection-store.js";
import { resealStoredSecrets } from "../../src/persistence/stores/secret-rotation.js";
import { keyIdOf, SecretBox } from "../../src/security/secret-box.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

/**
 * Issue 23, item 7: the GCM tag is always 16 bytes, and a start with ENCRYPTION_KEY=B and
 * ENCRYPTION_KEY_PREVIOUS=A re-encrypts every stored secret (Bob credentials, hook secrets) under
 * B, so a gateway started afterwards with only B still reads them all. Three gateways, one
 * database: written under A, rotated by B + A, read by B alone.
 */
const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);
const HOOK_SECRETS: Record<string, string> = {
  "rotate-co-1": "hook-secret-one-0123456789abcdef",
  "rotate-co-2": "hook-secret-two-0123456789abcdef",
};
const COMPANIES = ["rotate-co-1", "rotate-co-2", "rotate-co-3"];
const JWT_SECRET = randomBytes(32).toString("base64url");

let sim: BobSimulator;
let testDb: TestDatabase;
let pgliteDir: string | null = null;
let target: GatewayConfig["database"];
const running = new Set<Gateway>();

interface Started {
  gw: Gateway;
  logs: string[];
  gql<T>(
    query: string,
    companyId: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data?: T; errors?: { extensions?: { code?: string } }[] }>;
}

async function start(current: Buffer, previous: Buffer[] = []): Promise<Started> {
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString("utf8")), done()) });
  const config: GatewayConfig = {
    port: 0,
    host: "127.0.0.1",
    database: target,
    bobApiUrl: sim.baseUrl,
    bobSyncTimeoutMs: 120_000,
    directoryCacheEmployees: 100_000,
    publicUrl: "http://gateway.test",
    production: false,
    dataDir: "/nonexistent-test-data-dir",
    jwtSecret: JWT_SECRET,
    jwtMaxAgeSeconds: 86_400,
    encryptionKey: current.toString("base64"),
    previousEncryptionKeys: previous.map((k) => k.toString("base64")),
    logLevel: "info",
  };
  const gw = await startGateway(config, {
    logger: createLogger("info", sink),
    jobs: { retentionStartDelaySeconds: 3600 },
  });
  running.add(gw);
  return {
    gw,
    logs,
    async gql(query, companyId, variables = {}) {
      const role = query.includes("enableIntegration") ? "SUPPORT" : "ADMIN";
      const token = await gw.tokens.mint({ subject: "rotation-test", companyId, role });
      const res = await fetch(`${gw.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as never;
    },
  };
}

async function stop(s: Started): Promise<void> {
  running.delete(s.gw);
  await s.gw.stop();
}

const keyIds = async (gw: Gateway): Promise<string[]> => {
  const rows = await gw.db.query<{ credential_key_id: string | null; hook_secret_key_id: string | null }>(
    null,
    "select credential_key_id, hook_secret_key_id from bob_connection order by company_id",
  );
  return rows.flatMap((r) => [r.credential_key_id, r.hook_secret_key_id]).filter((x): x is string => x !== null);
};

beforeAll(async () => {
  sim = await startBobSimulator({ port: 0, seed: 5, employees: 3 });
  testDb = await createTestDatabase();
  if (testDb.target.kind === "pglite") {
    // On disk, so the three gateways see the same data one after the other.
    pgliteDir = await mkdtemp(join(tmpdir(), "key-rotation-"));
    target = { kind: "pglite", dataDir: pgliteDir };
  } else {
    target = testDb.target;
  }
});
afterAll(async () => {
  for (const gw of running) await gw.stop();
  await testDb?.drop();
  if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
  await sim?.close();
});

describe("ENCRYPTION_KEY rotation", () => {
  it("re-encrypts every stored secret under the new key at start; then the old key can go", async () => {
    // 1. Under key A: three connected companies, two with a hook secret.
    const a = await start(KEY_A);
    for (const companyId of COMPANIES) {
      await a.gql("mutation { enableIntegration { status } }", companyId);
      const connected = await a.gql<{ connectIntegration: { status: string } }>(
        "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }",
        companyId,
        { i: { accessToken: sim.credentials.serviceUser.token, serviceUserId: sim.credentials.serviceUser.id } },
      );
      expect(connected.data?.connectIntegration.status).toBe("CONNECTED");
      const secret = HOOK_SECRETS[companyId];
      if (secret)
        expect(
          (
            await a.gql(
              "mutation($s: String!) { setHookSecret(input: { secret: $s }) { realTimeUpdates } }",
              companyId,
              { s: secret },
            )
          ).errors,
        ).toBeUndefined();
    }
    expect(a.gw.keyRotation).toEqual({ resealed: 0, unreadable: 0 });
    expect(new Set(await keyIds(a.gw))).toEqual(new Set([keyIdOf(KEY_A)]));
    expect(await keyIds(a.gw)).toHaveLength(5);
    await stop(a);

    // 2. Current B, previous A: the start re-encrypts all five under B.
    const rotating = await start(KEY_B, [KEY_A]);
    expect(rotating.gw.keyRotation).toEqual({ resealed: 5, unreadable: 0 });
    expect(new Set(await keyIds(rotating.gw))).toEqual(new Set([keyIdOf(KEY_B)]));
    expect(rotating.logs.join("")).toMatch(
      /"resealed":5.*stored secrets re-encrypted under the current ENCRYPTION_KEY/,
    );
    const logged = rotating.logs.join("");
    for (const secret of [sim.credentials.serviceUser.token, ...Object.values(HOOK_SECRETS)])
      expect(logged).not.toContain(secret);
    // Idempotent: nothing left to do.
    expect(await resealStoredSecrets(rotating.gw.db, new SecretBox(KEY_B, [KEY_A]))).toEqual({
      resealed: 0,
      unreadable: 0,
    });
    await stop(rotating);

    // 3. Only B: every credential and hook secret still opens.
    const b = await start(KEY_B);
    expect(b.gw.keyRotation).toEqual({ resealed: 0, unreadable: 0 });
    const onlyB = new OrmConnectionStore(b.gw.db, new SecretBox(KEY_B));
    for (const companyId of COMPANIES)
      expect((await onlyB.loadCredential(companyId))?.token).toBe(sim.credentials.serviceUser.token);
    for (const [companyId, secret] of Object.entries(HOOK_SECRETS)) {
      const integration = await b.gql<{ integration: { status: string; webhookUrl: string } }>(
        "{ integration { status webhookUrl } }",
        companyId,
      );
      expect(integration.data?.integration.status).toBe("CONNECTED");
      const key = integration.data?.integration.webhookUrl.split("/").at(-1) as string;
      expect((await onlyB.findByWebhookKey(key))?.hookSecret).toBe(secret);
      // Bob's signed delivery is verified with the hook secret, read under B alone.
      const body = JSON.stringify({
        companyId: 636192,
        type: "employee.updated",
        triggeredBy: "system",
        triggeredAt: "2026-06-15T09:00:00.000001",
        version: "v2",
        data: { employeeId: "1" },
      });
      const res = await fetch(`${b.gw.url}/webhooks/bob/${key}`, {
        method: "POST",
        headers: { "content-type": "application/json", "bob-signature": bobSignature(secret, body) },
        body,
      });
      expect(res.status).toBe(202);
    }
    // And a full sync reads the credential under B and talks to Bob with it.
    const run = await b.gql<{ synchronizeNow: { id: string } }>("mutation { synchronizeNow { id } }", "rotate-co-3");
    const runId = run.data?.synchronizeNow.id as string;
    let status = "QUEUED";
    for (let i = 0; i < 300 && (status === "QUEUED" || status === "RUNNING"); i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      status =
        (
          await b.gql<{ syncRun: { status: string } }>(
            "query($id: ID!) { syncRun(id: $id) { status } }",
            "rotate-co-3",
            { id: runId },
          )
        ).data?.syncRun.status ?? "?";
    }
    expect(status).toBe("SUCCEEDED");
    await stop(b);
  }, 120_000);

  it("a secret under a key no longer configured is reported, left as it is, and does not stop the start", async () => {
    const stranger = new SecretBox(randomBytes(32)).seal("orphan-secret-value", "bob-credential:rotate-co-3");
    const c = await start(KEY_B);
    await c.gw.db.query(
      null,
      "update bob_connection set credential_ciphertext = $1, credential_key_id = $2 where company_id = 'rotate-co-3'",
      [stranger.ciphertext, stranger.keyId],
    );
    await stop(c);
    const again = await start(KEY_B);
    expect(again.gw.keyRotation).toEqual({ resealed: 0, unreadable: 1 });
    expect(again.logs.join("")).toMatch(/stored secret cannot be re-encrypted/);
    const [row] = await again.gw.db.query<{ credential_ciphertext: string }>(
      null,
      "select credential_ciphertext from bob_connection where company_id = 'rotate-co-3'",
    );
    expect(row?.credential_ciphertext).toBe(stranger.ciphertext);
    expect(again.logs.join("")).not.toContain("orphan-secret-value");
    await stop(again);
  });
});

describe("GCM authentication tag", () => {
  const box = new SecretBox(KEY_B);
  const withTag = (bytes: number): { keyId: string; ciphertext: string } => {
    const sealed = box.seal("bob-token-value-0123", "bob-credential:acme");
    const parts = sealed.ciphertext.split(".");
    parts[2] = Buffer.from(parts[2] as string, "base64url")
      .subarray(0, bytes)
      .toString("base64url");
    return { keyId: sealed.keyId, ciphertext: parts.join(".") };
  };

  it("is 16 bytes on every sealed value", () => {
    const tag = box.seal("x", "c").ciphertext.split(".")[2] as string;
    expect(Buffer.from(tag, "base64url")).toHaveLength(16);
  });

  it.each([4, 8, 12, 15])("refuses a %i-byte (truncated) tag, which GCM alone would check only that far", (bytes) => {
    expect(() => box.open(withTag(bytes), "bob-credential:acme")).toThrow(/authentication tag; only 16 bytes/);
  });

  it("refuses a 17-byte tag", () => {
    const sealed = box.seal("x", "c");
    const parts = sealed.ciphertext.split(".");
    parts[2] = Buffer.concat([Buffer.from(parts[2] as string, "base64url"), Buffer.from([0])]).toString("base64url");
    expect(() => box.open({ keyId: sealed.keyId, ciphertext: parts.join(".") }, "c")).toThrow(
      /17-byte authentication tag/,
    );
  });
});
