/**
 * GET /metrics (README, "Metrics"): a real gateway on a fresh database, Bob simulated;
 * a full sync and signed webhook deliveries, then the Prometheus exposition compared with what
 * happened (the simulator's request log, the deliveries posted, the run's counts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { within } from "../support/deferred.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { startTestGateway } from "../support/test-gateway.js";
import { enableRealTime, settled, signedPost, v2Event } from "../support/webhook-harness.js";

const TOKEN = "metrics-token-for-tests-0123456789";

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The Prometheus text format, enough of it: `name{a="x",b="y"} value` lines, comments skipped. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const brace = line.indexOf("{");
    const space = brace === -1 ? line.indexOf(" ") : line.indexOf("} ") + 1;
    const name = brace === -1 ? line.slice(0, space) : line.slice(0, brace);
    const labels: Record<string, string> = {};
    if (brace !== -1) {
      for (const m of line.slice(brace + 1, space - 1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        labels[m[1] as string] = (m[2] as string).replace(/\\(.)/g, "$1");
    }
    const value = line
      .slice(space + 1)
      .trim()
      .split(" ")[0] as string;
    samples.push({ name, labels, value: value === "+Inf" ? Infinity : Number(value) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `where`. */
function total(samples: readonly Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

function series(samples: readonly Sample[], name: string): Sample[] {
  return samples.filter((s) => s.name === name);
}

describe("GET /metrics", () => {
  let h: SyncHarness;
  const people: string[] = [];

  const scrape = async (token: string | null = TOKEN): Promise<Response> =>
    fetch(`${h.gw.url}/metrics`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  /** Scrapes until `ready` holds (the counts of work that has just ended), within a bound. */
  const scrapeUntil = async (ready: (samples: Sample[]) => boolean, what: string): Promise<Sample[]> => {
    const poll = async (): Promise<Sample[]> => {
      for (;;) {
        const res = await scrape();
        expect(res.status).toBe(200);
        const samples = parseExposition(await res.text());
        if (ready(samples)) return samples;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return within(poll(), 20_000, what);
  };

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "metrics-co", config: { metricsToken: TOKEN } });
    for (let i = 0; i < 6; i++)
      people.push(
        h.sim.company.createEmployee({
          "root.firstName": `Mia${i}`,
          "root.surname": `Metric${i}`,
          "root.email": `mia${i}@acme.example`,
          "work.startDate": "2021-03-01",
        }),
      );
  }, 60_000);
  afterAll(async () => h?.close());

  it("answers 404 when METRICS_TOKEN is not set", async () => {
    const bare = await startTestGateway();
    try {
      const res = await fetch(`${bare.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
    } finally {
      await bare.stop();
    }
  }, 60_000);

  it("answers 401 without the token or with a wrong one, and never lets the answer be cached", async () => {
    for (const token of [null, "wrong-token-of-another-length", TOKEN.replace(/.$/, "x"), ""]) {
      const res = await scrape(token);
      expect(res.status, `token ${String(token)}`).toBe(401);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.text()).not.toContain("bob_gateway_");
    }
    const basic = await fetch(`${h.gw.url}/metrics`, {
      headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` },
    });
    expect(basic.status).toBe(401);
  });

  it("counts a full sync, Bob's calls, webhook deliveries, their acks and apply lag, queues and caches", async () => {
    const run = await h.syncAndWait();
    expect(run.status).toBe("SUCCEEDED");
    expect(run.trigger).toBe("MANUAL");

    // Deliveries posted here, one by one (the simulator's own emitter stays quiet: Bob's company
    // does not change). Two employees updated, one body sent twice, one event with nothing to do.
    const { url } = await enableRealTime(h);
    const bodies = [
      v2Event("employee.updated", people[0] as string),
      v2Event("employee.updated", people[1] as string),
      v2Event("table.entry.created", people[2] as string),
    ];
    const posted: number[] = [];
    for (const body of [...bodies, bodies[0] as string]) posted.push((await signedPost(url, body)).status);
    expect(posted.every((s) => s === 200 || s === 202)).toBe(true);
    const all = await settled(h);
    const applied = all.filter((d) => d.status === "APPLIED" || d.status === "SKIPPED").length;
    expect(applied).toBe(2);
    // The same directory read twice: the GraphQL read cache answers the second from memory.
    expect(await h.employee(people[3] as string)).toEqual(await h.employee(people[3] as string));

    const samples = await scrapeUntil(
      (s) =>
        total(s, "bob_gateway_webhook_deliveries_settled_total") >= applied &&
        total(s, "bob_gateway_webhook_ack_duration_seconds_count") >= posted.length,
      "the deliveries to show in /metrics",
    );
    const res = await scrape();
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get("cache-control")).toBe("no-store");

    // Runs by status and trigger, phases, employees written.
    expect(
      total(samples, "bob_gateway_sync_runs_total", { status: "SUCCEEDED", trigger: "MANUAL", dry_run: "false" }),
    ).toBe(1);
    expect(total(samples, "bob_gateway_sync_runs_total")).toBe(1);
    expect(total(samples, "bob_gateway_sync_runs_in_progress")).toBe(0);
    expect(total(samples, "bob_gateway_sync_run_duration_seconds_count", { status: "SUCCEEDED" })).toBe(1);
    for (const phase of ["FETCHING", "PLANNING", "APPLYING"])
      expect(total(samples, "bob_gateway_sync_phase_duration_seconds_count", { phase }), phase).toBe(1);
    expect(total(samples, "bob_gateway_sync_employees_written_total", { action: "created" })).toBe(run.counts.created);
    expect(run.counts.created).toBe(people.length);
    expect(series(samples, "bob_gateway_sync_drift_repaired_total")).toHaveLength(1);
    expect(total(samples, "bob_gateway_sync_drift_repaired_total")).toBe(0);

    // Bob calls by endpoint and status: exactly the simulator's request log.
    const expected = new Map<string, number>();
    for (const r of h.sim.requests.entries) {
      const key = `${r.path.replace(/^\/v1/, "")} ${r.status}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const seen = new Map<string, number>();
    for (const s of series(samples, "bob_gateway_bob_requests_total"))
      if (s.value > 0) seen.set(`${s.labels.endpoint} ${s.labels.status}`, s.value);
    expect(seen).toEqual(expected);
    expect(seen.get("/people/search 200")).toBeGreaterThan(0);
    expect(total(samples, "bob_gateway_bob_request_duration_seconds_count")).toBe(h.sim.requests.count());
    expect(total(samples, "bob_gateway_bob_rate_limited_total")).toBe(0);
    // Every call took a rate-limit slot first: one wait observation per request.
    expect(total(samples, "bob_gateway_bob_rate_limit_wait_seconds_count")).toBe(h.sim.requests.count());

    // Deliveries by outcome and status, acks, apply lag.
    expect(total(samples, "bob_gateway_webhook_deliveries_received_total", { outcome: "accepted" })).toBe(2);
    expect(total(samples, "bob_gateway_webhook_deliveries_received_total", { outcome: "duplicate" })).toBe(1);
    expect(total(samples, "bob_gateway_webhook_deliveries_received_total", { outcome: "ignored" })).toBe(1);
    expect(total(samples, "bob_gateway_webhook_deliveries_settled_total")).toBe(applied);
    expect(total(samples, "bob_gateway_webhook_ack_duration_seconds_count")).toBe(posted.length);
    for (const status of new Set(posted))
      expect(total(samples, "bob_gateway_webhook_ack_duration_seconds_count", { status: String(status) })).toBe(
        posted.filter((s) => s === status).length,
      );
    expect(total(samples, "bob_gateway_webhook_ack_duration_seconds_bucket", { le: "+Inf" })).toBe(posted.length);
    expect(total(samples, "bob_gateway_webhook_apply_lag_seconds_count")).toBe(applied);

    // Queue depths: every queue, every state.
    const queues = new Set(series(samples, "bob_gateway_job_queue_jobs").map((s) => s.labels.queue));
    for (const queue of ["full-sync", "webhook-apply", "reconcile", "retention", "notification", "notification-check"])
      expect(queues, queue).toContain(queue);
    for (const s of series(samples, "bob_gateway_job_queue_jobs")) expect(s.value).toBeGreaterThanOrEqual(0);
    expect(new Set(series(samples, "bob_gateway_job_queue_jobs").map((s) => s.labels.state))).toEqual(
      new Set(["queued", "deferred", "active", "failed"]),
    );

    // Caches: what the caches counted themselves.
    const readCache = h.gw.gateway.readCache?.stats;
    expect(readCache).toBeDefined();
    expect(total(samples, "bob_gateway_cache_requests_total", { cache: "graphql_read", result: "miss" })).toBe(
      readCache?.misses,
    );
    expect(total(samples, "bob_gateway_cache_requests_total", { cache: "graphql_read", result: "hit" })).toBe(
      (readCache?.hits ?? 0) + (readCache?.joined ?? 0),
    );
    expect(
      total(samples, "bob_gateway_cache_requests_total", { cache: "graphql_read", result: "hit" }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(samples, "bob_gateway_cache_hit_ratio", { cache: "graphql_read" })).toBeGreaterThan(0);
    for (const cache of ["graphql_read", "bob_field_metadata", "directory_records"]) {
      expect(
        series(samples, "bob_gateway_cache_requests_total")
          .filter((s) => s.labels.cache === cache)
          .map((s) => s.labels.result)
          .sort(),
        cache,
      ).toEqual(["hit", "miss"]);
    }
    // The webhook drain read the directory the full sync had just written: kept in memory.
    expect(total(samples, "bob_gateway_cache_requests_total", { cache: "directory_records" })).toBeGreaterThan(0);

    // Process metrics, on the same registry and prefix.
    expect(
      series(samples, "bob_gateway_process_resident_memory_bytes").length +
        series(samples, "bob_gateway_nodejs_heap_size_used_bytes").length,
    ).toBeGreaterThan(0);
  }, 120_000);

  it("keeps each gateway's counts apart (a registry per instance)", async () => {
    const other = await startTestGateway({ metricsToken: TOKEN });
    try {
      const samples = parseExposition(
        await (await fetch(`${other.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text(),
      );
      expect(total(samples, "bob_gateway_sync_runs_total")).toBe(0);
      expect(total(samples, "bob_gateway_bob_requests_total")).toBe(0);
    } finally {
      await other.stop();
    }
  }, 60_000);
});

describe("METRICS_TOKEN", () => {
  it("is optional, read when set, and refused when shorter than 16 characters", () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
  });
});
