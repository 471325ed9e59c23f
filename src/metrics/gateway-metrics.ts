import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { METRIC_PREFIX } from "./registry.js";

const name = (suffix: string): string => `${METRIC_PREFIX}${suffix}`;

/**
 * Every gateway metric, registered on one instance's registry. Labels are bounded sets only
 * (status, trigger, phase, endpoint, queue, cache): never a company, run or delivery id, since a
 * replica serves thousands of companies; per-company detail is GraphQL's connection health.
 */
/** Jobs of one pg-boss queue, as pg-boss's queue table keeps them. */
export interface QueueDepth {
  readonly queue: string;
  readonly queued: number;
  readonly deferred: number;
  readonly active: number;
  readonly failed: number;
}

/** Hit and miss counts a cache keeps itself. */
export interface CacheStats {
  readonly cache: string;
  readonly hits: number;
  readonly misses: number;
}

/** What is read only when Prometheus scrapes (set by the composition root once the parts exist). */
export interface ScrapeSources {
  queueDepths?: () => Promise<readonly QueueDepth[]>;
  caches?: () => readonly CacheStats[];
  /** The query thread (PostgreSQL; threads/query-thread.ts): whether it serves, and who answered heavy queries. */
  queryThread?: () => { readonly up: boolean; readonly offloaded: number; readonly fallbacks: number };
}

export class GatewayMetrics {
  readonly sources: ScrapeSources = {};
  readonly syncRuns: Counter<"status" | "trigger" | "dry_run">;
  readonly syncRunsInProgress: Gauge;
  readonly syncRunDuration: Histogram<"status">;
  readonly syncPhaseDuration: Histogram<"phase">;
  readonly employeesWritten: Counter<"action">;
  readonly driftRepaired: Counter;
  readonly bobRequests: Counter<"endpoint" | "status">;
  readonly bobRequestDuration: Histogram<"endpoint">;
  readonly bobRateLimited: Counter<"endpoint">;
  readonly bobRateLimitWait: Histogram<"endpoint">;
  readonly deliveriesReceived: Counter<"outcome">;
  readonly deliveriesSettled: Counter<"status">;
  readonly webhookAck: Histogram<"status">;
  readonly applyLag: Histogram;
  readonly queueJobs: Gauge<"queue" | "state">;
  readonly cacheRequests: Counter<"cache" | "result">;
  readonly cacheHitRatio: Gauge<"cache">;
  readonly queryThreadUp: Gauge;
  readonly heavyQueries: Counter<"answered_by">;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.syncRuns = new Counter({
      name: name("sync_runs_total"),
      help: "Full syncs and dry runs this process finished, by final status (SUCCEEDED, PARTIAL, FAILED, HELD) and trigger.",
      labelNames: ["status", "trigger", "dry_run"],
      registers,
    });
    this.syncRunsInProgress = new Gauge({
      name: name("sync_runs_in_progress"),
      help: "Runs this process is executing now.",
      registers,
    });
    this.syncRunDuration = new Histogram({
      name: name("sync_run_duration_seconds"),
      help: "From the first step a run published in this process to its end.",
      labelNames: ["status"],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.syncPhaseDuration = new Histogram({
      name: name("sync_phase_duration_seconds"),
      help: "Time a run spent in each phase (FETCHING, PLANNING, APPLYING).",
      labelNames: ["phase"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.employeesWritten = new Counter({
      name: name("sync_employees_written_total"),
      help: "Employees full syncs created, updated or deleted (runs that finished SUCCEEDED or PARTIAL, dry runs excluded).",
      labelNames: ["action"],
      registers,
    });
    this.driftRepaired = new Counter({
      name: name("sync_drift_repaired_total"),
      help: "Employees a full sync changed although real-time updates were on (drift webhooks missed).",
      registers,
    });
    this.bobRequests = new Counter({
      name: name("bob_requests_total"),
      help: "HTTP attempts to Bob, by endpoint and HTTP status (or timeout, refused, network).",
      labelNames: ["endpoint", "status"],
      registers,
    });
    this.bobRequestDuration = new Histogram({
      name: name("bob_request_duration_seconds"),
      help: "One HTTP attempt to Bob, headers and body.",
      labelNames: ["endpoint"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.bobRateLimited = new Counter({
      name: name("bob_rate_limited_total"),
      help: "429 answers from Bob (the local budget should make this zero).",
      labelNames: ["endpoint"],
      registers,
    });
    this.bobRateLimitWait = new Histogram({
      name: name("bob_rate_limit_wait_seconds"),
      help: "Time a Bob call waited for a slot of its credential's rate-limit budget (one observation per slot taken).",
      labelNames: ["endpoint"],
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.deliveriesReceived = new Counter({
      name: name("webhook_deliveries_received_total"),
      help: "Verified webhook deliveries stored: accepted (work to do), ignored (nothing to do), duplicate (same body again).",
      labelNames: ["outcome"],
      registers,
    });
    this.deliveriesSettled = new Counter({
      name: name("webhook_deliveries_settled_total"),
      help: "Accepted deliveries this process settled, by status (APPLIED, SKIPPED, FAILED).",
      labelNames: ["status"],
      registers,
    });
    this.webhookAck = new Histogram({
      name: name("webhook_ack_duration_seconds"),
      help: "From a webhook request's arrival to the end of its answer, by HTTP status.",
      labelNames: ["status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.applyLag = new Histogram({
      name: name("webhook_apply_lag_seconds"),
      help: "From a delivery's receipt to its application (APPLIED or SKIPPED).",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300],
      registers,
    });
    const sources = this.sources;
    this.queueJobs = new Gauge({
      name: name("job_queue_jobs"),
      help: "pg-boss jobs per queue and state (queued = waiting, deferred among them; active = running; failed = retained failures), as of pg-boss's last monitor pass (every 5 s).",
      labelNames: ["queue", "state"],
      registers,
      // One statement for every queue per scrape; if it fails the scrape still answers, without these.
      async collect() {
        this.reset();
        const depths = await sources.queueDepths?.().catch(() => []);
        for (const d of depths ?? []) {
          this.set({ queue: d.queue, state: "queued" }, d.queued);
          this.set({ queue: d.queue, state: "deferred" }, d.deferred);
          this.set({ queue: d.queue, state: "active" }, d.active);
          this.set({ queue: d.queue, state: "failed" }, d.failed);
        }
      },
    });
    // The caches count their own hits and misses (no call on their hot path); read at scrape time.
    this.cacheRequests = new Counter({
      name: name("cache_requests_total"),
      help: "Reads of the in-memory caches (graphql_read, bob_field_metadata, directory_records), hit or miss.",
      labelNames: ["cache", "result"],
      registers,
      collect() {
        this.reset();
        for (const c of sources.caches?.() ?? []) {
          this.inc({ cache: c.cache, result: "hit" }, c.hits);
          this.inc({ cache: c.cache, result: "miss" }, c.misses);
        }
      },
    });
    this.cacheHitRatio = new Gauge({
      name: name("cache_hit_ratio"),
      help: "hits / (hits + misses) of each cache since the process started (for a window: rate() of cache_requests_total).",
      labelNames: ["cache"],
      registers,
      collect() {
        this.reset();
        for (const c of sources.caches?.() ?? [])
          if (c.hits + c.misses > 0) this.set({ cache: c.cache }, c.hits / (c.hits + c.misses));
      },
    });
    // Absent without a query thread (QUERY_THREAD=off, PGLITE_THREAD=off).
    this.queryThreadUp = new Gauge({
      name: name("query_thread_up"),
      help: "1 while the query thread serves heavy queries or none has come yet (it starts on the first), 0 while it starts or after it died (the main thread answers them meanwhile).",
      registers,
      collect() {
        this.reset();
        const thread = sources.queryThread?.();
        if (thread) this.set(thread.up ? 1 : 0);
      },
    });
    this.heavyQueries = new Counter({
      name: name("heavy_queries_total"),
      help: "Heavy queries over HTTP (cost >= 10,000) by who answered them: the query thread, or the main thread while the thread was down.",
      labelNames: ["answered_by"],
      registers,
      collect() {
        this.reset();
        const thread = sources.queryThread?.();
        if (!thread) return;
        this.inc({ answered_by: "thread" }, thread.offloaded);
        this.inc({ answered_by: "main" }, thread.fallbacks);
      },
    });
  }
}
