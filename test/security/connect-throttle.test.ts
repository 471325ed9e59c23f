import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBobSimulator, type BobSimulator } from "../../simulator/index.js";
import { CONNECT_THROTTLE_DEFAULTS } from "../../src/domain/integration/connect-throttle.js";
import { MovableClock } from "../support/clock.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

/**
 * Issue 23, item 5 (RATE_LIMITED, README "Connecting Bob"): 30 failed connects in a row all reached Bob, and
 * Bob's firewall blocks credentials that keep failing. Now a company's failed connects (Bob said
 * 401/403) are counted: after 5, further connects are refused without calling Bob, with
 * extensions.retryAfterSeconds; the lock grows with each further failure; success resets it.
 */
const CONNECT = `mutation($input: ConnectIntegrationInput!) { connectIntegration(input: $input) { status } }`;
const WRONG = "wrong-token-for-throttle-0000";
const FREE = CONNECT_THROTTLE_DEFAULTS.freeFailures;

let sim: BobSimulator;
let gw: TestGateway;
const clock = new MovableClock(new Date("2026-06-15T12:00:00Z"));
let companyCounter = 0;

async function enabledCompany(): Promise<string> {
  const companyId = `throttle-co-${++companyCounter}`;
  await gw.gql("mutation { enableIntegration { status } }", {}, await gw.token(companyId, "SUPPORT"));
  return gw.token(companyId, "ADMIN");
}

async function connect(
  admin: string,
  accessToken: string,
): Promise<{ code: string | undefined; retryAfterSeconds: unknown; status?: string; message?: string }> {
  const res = await gw.gql<{ connectIntegration: { status: string } }>(CONNECT, { input: { accessToken } }, admin);
  const error = res.errors?.[0];
  return {
    code: error?.extensions?.code,
    retryAfterSeconds: error?.extensions?.retryAfterSeconds,
    ...(res.data?.connectIntegration ? { status: res.data.connectIntegration.status } : {}),
    ...(error ? { message: error.message } : {}),
  };
}

const advance = (seconds: number): void => clock.set(new Date(clock.now().getTime() + seconds * 1000));
const bobCalls = (): number => sim.requests.count();

beforeAll(async () => {
  sim = await startBobSimulator({ port: 0, seed: 11, employees: 3 });
  gw = await startTestGateway({ bobApiUrl: sim.baseUrl }, { clock });
});
afterAll(async () => {
  await sim.close();
});

describe("failed connects are throttled per company", () => {
  it("lets 5 wrong tokens reach Bob, then refuses with RATE_LIMITED + retryAfterSeconds without calling Bob", async () => {
    const admin = await enabledCompany();
    sim.requests.clear();
    for (let i = 0; i < FREE; i += 1) expect((await connect(admin, WRONG)).code).toBe("BOB_INVALID_CREDENTIALS");
    expect(bobCalls()).toBe(FREE);
    for (let i = 0; i < 25; i += 1) {
      const refused = await connect(admin, WRONG);
      expect(refused.code).toBe("RATE_LIMITED");
      expect(refused.retryAfterSeconds).toBe(60);
      expect(refused.message).toMatch(/try again in 60 s/);
    }
    // Even the right token waits: the lock is on the company's attempts, not on one token.
    expect((await connect(admin, sim.credentials.accessToken)).code).toBe("RATE_LIMITED");
    expect(bobCalls()).toBe(FREE);
    // The wrong token never appears in a log line.
    expect(gw.logs.join("")).not.toContain(WRONG);
  });

  it("counts retryAfterSeconds down with the clock, allows one attempt after it, and grows the lock on another failure", async () => {
    const admin = await enabledCompany();
    for (let i = 0; i < FREE; i += 1) await connect(admin, WRONG);
    advance(45);
    expect((await connect(admin, WRONG)).retryAfterSeconds).toBe(15);
    advance(15);
    sim.requests.clear();
    expect((await connect(admin, WRONG)).code).toBe("BOB_INVALID_CREDENTIALS");
    expect(bobCalls()).toBe(1);
    const locked = await connect(admin, WRONG);
    expect(locked.code).toBe("RATE_LIMITED");
    expect(locked.retryAfterSeconds).toBe(120);
    advance(120);
    expect((await connect(admin, WRONG)).code).toBe("BOB_INVALID_CREDENTIALS");
    expect((await connect(admin, WRONG)).retryAfterSeconds).toBe(240);
    expect(bobCalls()).toBe(2);
  });

  it("a successful connect (after the lock) resets the count: 5 more failures reach Bob", async () => {
    const admin = await enabledCompany();
    for (let i = 0; i < FREE; i += 1) await connect(admin, WRONG);
    advance(60);
    expect((await connect(admin, sim.credentials.accessToken)).status).toBe("CONNECTED");
    sim.requests.clear();
    for (let i = 0; i < FREE; i += 1) expect((await connect(admin, WRONG)).code).toBe("BOB_INVALID_CREDENTIALS");
    expect(bobCalls()).toBe(FREE);
    expect((await connect(admin, WRONG)).code).toBe("RATE_LIMITED");
  });

  it("missing scopes (403) count like wrong tokens; one company's lock does not touch another's", async () => {
    const admin = await enabledCompany();
    const other = await enabledCompany();
    const scoped = "throttle-scoped-token-00000000";
    sim.addCredential({ kind: "ACCESS_TOKEN", token: scoped, scopes: ["Employee fields read"] });
    for (let i = 0; i < FREE; i += 1) expect((await connect(admin, scoped)).code).toBe("BOB_MISSING_SCOPE");
    expect((await connect(admin, scoped)).code).toBe("RATE_LIMITED");
    expect((await connect(other, WRONG)).code).toBe("BOB_INVALID_CREDENTIALS");
    expect((await connect(other, sim.credentials.accessToken)).status).toBe("CONNECTED");
  });

  it("30 wrong connects at once: no more than 5 reach Bob, the rest are RATE_LIMITED", async () => {
    const admin = await enabledCompany();
    sim.requests.clear();
    const results = await Promise.all(Array.from({ length: 30 }, () => connect(admin, WRONG)));
    const codes = results.map((r) => r.code);
    expect(codes.filter((c) => c === "BOB_INVALID_CREDENTIALS")).toHaveLength(FREE);
    expect(codes.filter((c) => c === "RATE_LIMITED")).toHaveLength(30 - FREE);
    for (const r of results.filter((x) => x.code === "RATE_LIMITED"))
      expect(r.retryAfterSeconds).toEqual(expect.any(Number));
    expect(bobCalls()).toBe(FREE);
  });

  it("Bob answering something unreadable (BOB_UNAVAILABLE) does not count as a failed attempt", async () => {
    const admin = await enabledCompany();
    for (let i = 0; i < FREE - 1; i += 1) expect((await connect(admin, WRONG)).code).toBe("BOB_INVALID_CREDENTIALS");
    sim.faults.set({ malformedNext: 1000 });
    try {
      for (let i = 0; i < 2; i += 1)
        expect((await connect(admin, sim.credentials.accessToken)).code).toBe("BOB_UNAVAILABLE");
    } finally {
      sim.faults.reset();
    }
    // Still one failure left before the lock.
    expect((await connect(admin, WRONG)).code).toBe("BOB_INVALID_CREDENTIALS");
    expect((await connect(admin, WRONG)).code).toBe("RATE_LIMITED");
  });
});
