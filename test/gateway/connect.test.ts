import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBobSimulator, type BobSimulator } from "../../simulator/index.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const INTEGRATION_FIELDS = "status credentialKind tokenHint connectedAt webhookUrl realTimeUpdates";
const CONNECT = `mutation($input: ConnectIntegrationInput!) { connectIntegration(input: $input) { ${INTEGRATION_FIELDS} } }`;

type IntegrationData = {
  status: string;
  credentialKind: string | null;
  tokenHint: string | null;
  connectedAt: string | null;
  webhookUrl: string | null;
  realTimeUpdates: boolean;
};

let sim: BobSimulator;
let gw: TestGateway;
let companyCounter = 0;

/** A fresh enabled company per test, so tests do not see each other's connections. */
async function enabledCompany(): Promise<{ admin: string; companyId: string }> {
  const companyId = `connect-co-${++companyCounter}`;
  await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token(companyId, "SUPPORT"));
  return { admin: await gw.token(companyId, "ADMIN"), companyId };
}

const connect = (admin: string, input: Record<string, unknown>) =>
  gw.gql<{ connectIntegration: IntegrationData }>(CONNECT, { input }, admin);
const integration = async (admin: string) =>
  (await gw.gql<{ integration: IntegrationData }>(`{ integration { ${INTEGRATION_FIELDS} } }`, {}, admin)).data
    ?.integration;

beforeAll(async () => {
  sim = await startBobSimulator({ port: 0, seed: 7, employees: 5 });
  gw = await startTestGateway({ bobApiUrl: sim.baseUrl });
});
afterAll(async () => {
  await sim.close();
});

describe("connectIntegration", () => {
  it("connects with a legacy access token: CONNECTED, hint, webhook URL", async () => {
    const { admin } = await enabledCompany();
    const res = await connect(admin, { accessToken: sim.credentials.accessToken });
    expect(res.errors).toBeUndefined();
    const data = res.data?.connectIntegration as IntegrationData;
    expect(data).toMatchObject({
      status: "CONNECTED",
      credentialKind: "ACCESS_TOKEN",
      tokenHint: sim.credentials.accessToken.slice(-4),
      realTimeUpdates: false,
    });
    expect(Date.parse(data.connectedAt as string)).not.toBeNaN();
    const key = /^http:\/\/gateway\.test\/webhooks\/bob\/([A-Za-z0-9_-]+)$/.exec(data.webhookUrl ?? "")?.[1] ?? "";
    expect(Buffer.from(key, "base64url").length * 8).toBeGreaterThanOrEqual(128);
  });

  it("connects with a service user (HTTP Basic)", async () => {
    const { admin } = await enabledCompany();
    const res = await connect(admin, {
      accessToken: sim.credentials.serviceUser.token,
      serviceUserId: sim.credentials.serviceUser.id,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.connectIntegration).toMatchObject({
      status: "CONNECTED",
      credentialKind: "SERVICE_USER",
      tokenHint: sim.credentials.serviceUser.token.slice(-4),
    });
    expect(sim.requests.count({ credentialKind: "SERVICE_USER" })).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ["Full employee read", ["Employee fields read"]],
    ["Employee fields read", ["Full employee read"]],
  ] as const)("names the missing scope %s", async (missing, scopes) => {
    const { admin } = await enabledCompany();
    const token = `scoped-token-${missing.replace(/\s/g, "-")}-0123456789`;
    sim.addCredential({ kind: "ACCESS_TOKEN", token, scopes: [...scopes] });
    const res = await connect(admin, { accessToken: token });
    expect(res.errors?.[0]?.extensions?.code).toBe("BOB_MISSING_SCOPE");
    expect(res.errors?.[0]?.message).toContain(missing);
    expect((await integration(admin))?.status).toBe("DISCONNECTED");
  });

  it("reports an unknown token as BOB_INVALID_CREDENTIALS after one request (401 is never retried)", async () => {
    const { admin } = await enabledCompany();
    sim.requests.clear();
    const res = await connect(admin, { accessToken: "no-such-token-0000000000" });
    expect(res.errors?.[0]?.extensions?.code).toBe("BOB_INVALID_CREDENTIALS");
    expect(sim.requests.count()).toBe(1);
  });

  it("survives one 500 and one 429 from Bob (retried, then connected)", async () => {
    const { admin } = await enabledCompany();
    sim.faults.set({ fail5xxNext: 1 });
    expect((await connect(admin, { accessToken: sim.credentials.accessToken })).data?.connectIntegration.status).toBe(
      "CONNECTED",
    );
    sim.faults.reset();
    sim.faults.set({ burst429Next: 1 });
    expect((await connect(admin, { accessToken: sim.credentials.accessToken })).data?.connectIntegration.status).toBe(
      "CONNECTED",
    );
    sim.faults.reset();
  });

  it("reports Bob answering 500 every time as BOB_UNAVAILABLE and stores nothing", async () => {
    const { admin } = await enabledCompany();
    sim.faults.set({ fail5xxNext: 1000 });
    const res = await connect(admin, { accessToken: sim.credentials.accessToken });
    sim.faults.reset();
    expect(res.errors?.[0]?.extensions?.code).toBe("BOB_UNAVAILABLE");
    expect((await integration(admin))?.status).toBe("DISCONNECTED");
  });

  it("reports a hanging Bob as BOB_UNAVAILABLE within 30 s", async () => {
    const { admin } = await enabledCompany();
    sim.faults.set({ hangNext: 1000 });
    const started = Date.now();
    const res = await connect(admin, { accessToken: sim.credentials.accessToken });
    sim.faults.reset();
    expect(res.errors?.[0]?.extensions?.code).toBe("BOB_UNAVAILABLE");
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 45_000);

  it("leaves the previous connection untouched when a reconnect fails", async () => {
    const { admin } = await enabledCompany();
    const first = (await connect(admin, { accessToken: sim.credentials.accessToken })).data?.connectIntegration;
    const res = await connect(admin, { accessToken: "wrong-token-zzzzzzzzzzzz" });
    expect(res.errors?.[0]?.extensions?.code).toBe("BOB_INVALID_CREDENTIALS");
    expect(await integration(admin)).toEqual(first);
  });

  it("replaces the credential on reconnect and keeps the webhook URL", async () => {
    const { admin } = await enabledCompany();
    const first = (await connect(admin, { accessToken: sim.credentials.accessToken })).data?.connectIntegration;
    const second = (
      await connect(admin, {
        accessToken: sim.credentials.serviceUser.token,
        serviceUserId: sim.credentials.serviceUser.id,
      })
    ).data?.connectIntegration;
    expect(second?.credentialKind).toBe("SERVICE_USER");
    expect(second?.webhookUrl).toBe(first?.webhookUrl);
  });

  it.each([
    ["empty", { accessToken: "" }],
    ["whitespace", { accessToken: "   \n " }],
    ["over 4 KiB", { accessToken: "a".repeat(4097) }],
    ["a service user id over 4 KiB", { accessToken: "abcdefghijklmnop", serviceUserId: "b".repeat(4097) }],
  ])("rejects a token that is %s with BAD_USER_INPUT without calling Bob", async (_what, input) => {
    const { admin } = await enabledCompany();
    sim.requests.clear();
    const res = await connect(admin, input);
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(sim.requests.count()).toBe(0);
    expect((await integration(admin))?.status).toBe("DISCONNECTED");
  });

  it("is refused before support enabled the integration, and to SUPPORT", async () => {
    const companyId = `connect-not-enabled-${++companyCounter}`;
    const res = await connect(await gw.token(companyId, "ADMIN"), { accessToken: sim.credentials.accessToken });
    expect(res.errors?.[0]?.extensions?.code).toBe("FEATURE_NOT_ENABLED");
    const { companyId: enabled } = await enabledCompany();
    const bySupport = await connect(await gw.token(enabled, "SUPPORT"), { accessToken: sim.credentials.accessToken });
    expect(bySupport.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("never stores, answers or logs the token in clear", async () => {
    const { admin, companyId } = await enabledCompany();
    const token = sim.credentials.serviceUser.token;
    const res = await connect(admin, { accessToken: token, serviceUserId: sim.credentials.serviceUser.id });
    expect(JSON.stringify(res)).not.toContain(token);
    const rows = await gw.gateway.db
      .em()
      .getConnection()
      .execute("select * from bob_connection where company_id = ?", [companyId]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(sim.credentials.serviceUser.id);
    expect(rows[0]?.credential_key_id).toBeTruthy();
    expect(gw.logs.join("\n")).not.toContain(token);
  });
});

describe("disconnectIntegration", () => {
  it("forgets the credential (DISCONNECTED) and a later connect gets the same webhook URL", async () => {
    const { admin, companyId } = await enabledCompany();
    const first = (await connect(admin, { accessToken: sim.credentials.accessToken })).data?.connectIntegration;
    const res = await gw.gql<{ disconnectIntegration: IntegrationData }>(
      `mutation { disconnectIntegration { ${INTEGRATION_FIELDS} } }`,
      {},
      admin,
    );
    expect(res.data?.disconnectIntegration).toEqual({
      status: "DISCONNECTED",
      credentialKind: null,
      tokenHint: null,
      connectedAt: null,
      webhookUrl: null,
      realTimeUpdates: false,
    });
    const rows = await gw.gateway.db
      .em()
      .getConnection()
      .execute("select credential_ciphertext, hook_secret_ciphertext from bob_connection where company_id = ?", [
        companyId,
      ]);
    expect(rows[0]).toEqual({ credential_ciphertext: null, hook_secret_ciphertext: null });
    const again = (await connect(admin, { accessToken: sim.credentials.accessToken })).data?.connectIntegration;
    expect(again?.webhookUrl).toBe(first?.webhookUrl);
  });
});

describe("Bob refusing connections", () => {
  it("reports BOB_UNAVAILABLE", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const offline = await startTestGateway({ bobApiUrl: `http://127.0.0.1:${port}/v1` });
    await offline.gql("mutation { enableIntegration { status } }", {}, await offline.token("offline-co", "SUPPORT"));
    const res = await offline.gql(
      CONNECT,
      { input: { accessToken: "some-token-value-123" } },
      await offline.token("offline-co", "ADMIN"),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("BOB_UNAVAILABLE");
  });
});
