import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryThread } from "../../src/threads/query-thread.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { TEST_DB } from "../support/test-database.js";

// The built entry: a worker thread runs JavaScript (npm test builds before the suite).
const ENTRY = new URL("../../dist/src/threads/query-thread-main.js", import.meta.url);

// Cost ~22,000 (≥ 10,000: heavy); no field that depends on the day (the harness's clock is not the thread's).
const HEAVY =
  "query Heavy($n: String!) { employees(first: 250) { totalCount edges { node { bobId firstName lastName email manager { bobId firstName } attributes { attribute { name type } value } } } } employee(bobId: $n) { id } }";
const LIGHT = "query Light { employees(first: 5) { totalCount edges { node { bobId } } } }";
const METRICS_TOKEN = "query-thread-metrics-token";
const TOO_COMPLEX = "query Huge { employees(first: 5000) { edges { node { attributes { value } } } } }";

/**
 * On PostgreSQL, heavy queries over HTTP run in the query thread (src/threads/query-thread.ts):
 * a read-only gateway in a worker thread, so their rows and serialisation never hold the main
 * event loop that acks webhooks and answers /healthz.
 */
describe("the query thread", () => {
  let h: SyncHarness;
  let thread: QueryThread;

  const post = async (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${h.gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, requestId: res.headers.get("x-request-id"), body: (await res.json()) as never };
  };
  const asAdmin = { authorization: `Bearer ${"" as string}` };

  beforeAll(async () => {
    h = await startSyncHarness({
      employees: 300,
      companyId: "thread-co",
      config: { queryThread: true, metricsToken: METRICS_TOKEN },
      gateway: { queryThreadEntry: ENTRY },
    });
    expect((await h.syncAndWait()).status).toMatch(/SUCCEEDED|PARTIAL/);
    asAdmin.authorization = `Bearer ${h.admin}`;
    const started = h.gw.gateway.queryThread;
    if (!started) throw new Error("no query thread on PostgreSQL with queryThread: true");
    thread = started;
    await thread.ready();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers a heavy query there, as this process answers it, and here while it is down", async () => {
    const before = { ...thread.stats };
    const there = await post(HEAVY, { n: "a" }, { ...asAdmin, "x-request-id": "heavy-1" });
    expect(thread.stats.offloaded).toBe(before.offloaded + 1);
    expect(there.body).not.toHaveProperty("errors");
    expect(there.status).toBe(200);
    expect(there.requestId).toBe("heavy-1");
    const page = (there.body as { data: { employees: { totalCount: number; edges: unknown[] } } }).data.employees;
    const light = await post(LIGHT, {}, asAdmin); // answered here
    expect(page.totalCount).toBe(
      (light.body as { data: { employees: { totalCount: number } } }).data.employees.totalCount,
    );
    expect(page.edges).toHaveLength(250);

    // The thread dies: the next heavy query is answered here, the same; then the thread comes back.
    await thread.kill();
    const here = await post(HEAVY, { n: "b" }, asAdmin);
    expect(thread.stats.offloaded).toBe(before.offloaded + 1);
    expect(thread.stats.fallbacks).toBe(before.fallbacks + 1);
    expect(here.status).toBe(200);
    expect(here.body).toEqual(there.body);
    await thread.ready();
    const again = await post(HEAVY, { n: "c" }, asAdmin);
    expect(thread.stats.offloaded).toBe(before.offloaded + 2);
    expect(again.body).toEqual(there.body);

    // Operators see it: the thread is up, and who answered the heavy queries.
    const metrics = await (
      await fetch(`${h.gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/^bob_gateway_query_thread_up 1$/m);
    expect(metrics).toContain(`bob_gateway_heavy_queries_total{answered_by="thread"} ${thread.stats.offloaded}`);
    expect(metrics).toContain(`bob_gateway_heavy_queries_total{answered_by="main"} ${thread.stats.fallbacks}`);
  });

  it("answers a heavy query sent with GET there too, as this process answers it with POST", async () => {
    const before = thread.stats.offloaded;
    const viaPost = await post(HEAVY, { n: "g" }, asAdmin);
    const search = new URLSearchParams({ query: HEAVY, variables: JSON.stringify({ n: "g" }) });
    const res = await fetch(`${h.gw.url}/graphql?${search}`, {
      headers: { ...asAdmin, "apollo-require-preflight": "true" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(viaPost.body);
    expect(thread.stats.offloaded).toBe(before + 2);
  });

  it("answers a heavy query sent over WebSocket there too, as over HTTP", async () => {
    const before = thread.stats.offloaded;
    const viaPost = await post(HEAVY, { n: "w" }, asAdmin);
    const client = h.gw.ws(h.admin);
    const answers: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: HEAVY, variables: { n: "w" } },
        { next: (value) => void answers.push(value), error: reject, complete: resolve },
      );
    });
    expect(answers).toEqual([viaPost.body]);
    expect(thread.stats.offloaded).toBe(before + 2);
  });

  it("opens the company's stored Bob credential there (a heavy query that reads Bob's field metadata)", async () => {
    const before = thread.stats.offloaded;
    const withBob = await post(
      "query { employees(first: 250) { edges { node { bobId attributes { attribute { name } value } } } } fieldMappings { bobFieldId status } }",
      {},
      asAdmin,
    );
    expect(withBob.body).not.toHaveProperty("errors");
    const mappings = (withBob.body as { data: { fieldMappings: { bobFieldId: string }[] } }).data.fieldMappings;
    expect(mappings.length).toBeGreaterThan(0);
    expect(thread.stats.offloaded).toBe(before + 1);
  });

  it("keeps light queries, mutations and refused operations here", async () => {
    const before = thread.stats.offloaded;
    const light = await post(LIGHT, {}, asAdmin);
    expect(light.status).toBe(200);
    const mutation = await post("mutation { enableIntegration { status } }", {}, asAdmin);
    expect(mutation.status).toBe(200);
    const huge = await post(TOO_COMPLEX, {}, asAdmin);
    expect((huge.body as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      "QUERY_TOO_COMPLEX",
    );
    expect(thread.stats.offloaded).toBe(before);
  });

  it("refuses a heavy query without a valid token there exactly as here", async () => {
    const before = thread.stats.offloaded;
    const lightRefusal = await post(LIGHT, {});
    const heavyRefusal = await post(HEAVY, { n: "d" });
    const badToken = await post(HEAVY, { n: "e" }, { authorization: "Bearer not-a-token" });
    expect(thread.stats.offloaded).toBe(before + 2);
    expect(heavyRefusal.status).toBe(lightRefusal.status);
    expect(heavyRefusal.body).toEqual(lightRefusal.body);
    expect((badToken.body as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      "UNAUTHENTICATED",
    );
  });
});

describe("the query thread's start", () => {
  let h: SyncHarness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it("starts with the first heavy query (answered here meanwhile), not with the gateway", async () => {
    h = await startSyncHarness({
      employees: 30,
      companyId: "lazy-thread-co",
      config: { queryThread: true, metricsToken: METRICS_TOKEN },
      gateway: { queryThreadEntry: ENTRY },
    });
    const thread = h.gw.gateway.queryThread;
    if (!thread) throw new Error("no query thread with queryThread: true");
    const metrics = async () =>
      (await fetch(`${h?.gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    // Light traffic and /metrics do not start it; until a heavy query comes it counts as up.
    expect((await h.syncAndWait()).status).toMatch(/SUCCEEDED|PARTIAL/);
    expect(thread.url).toBeNull();
    expect(await metrics()).toMatch(/^bob_gateway_query_thread_up 1$/m);

    const res = await fetch(`${h.gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${h.admin}` },
      body: JSON.stringify({ query: HEAVY, variables: { n: "first" } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).not.toHaveProperty("errors");
    expect(thread.stats).toEqual({ offloaded: 0, fallbacks: 1 });
    await thread.ready();
    expect(thread.url).not.toBeNull();
  });
});

describe.runIf(TEST_DB === "pglite")("the query thread with PGLITE_THREAD=off", () => {
  it("is not started: the embedded database lives on the main thread, where the thread cannot reach it", async () => {
    const h = await startSyncHarness({
      companyId: "no-thread-co",
      config: { queryThread: true, database: { kind: "pglite", dataDir: null, inProcess: true } },
      gateway: { queryThreadEntry: ENTRY },
    });
    try {
      expect(h.gw.gateway.db.pgliteThread).toBeNull();
      expect(h.gw.gateway.queryThread).toBeNull();
    } finally {
      await h.close();
    }
  });
});
