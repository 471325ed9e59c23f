import type { ProgressBus } from "../domain/ports/progress-bus.js";
import type { SyncRunStore } from "../domain/ports/sync-run-store.js";
import type { SyncPhase, SyncProgressEvent, SyncTrigger } from "../domain/sync/sync-run.js";
import { BoundedMap } from "./bounded-map.js";
import type { GatewayMetrics } from "./gateway-metrics.js";

/** Runs followed at once; far above what one process executes (SYNC_CONCURRENCY), so only a lost end is ever dropped. */
const RUNS_FOLLOWED = 1_000;

interface Followed {
  trigger: SyncTrigger | "UNKNOWN";
  dryRun: boolean;
  phase: SyncPhase | null;
  phaseSince: number;
  startedAt: number;
}

/**
 * Turns the progress events of runs this process executes into run, phase and employee metrics.
 * It sees the events at publish time (the bus decorator below), not through subscribe: on
 * PostgreSQL the bus also delivers other replicas' events, and each replica must count only its
 * own runs or a fleet's sum would count every run once per replica. Durations use the monotonic
 * clock (the gateway's Clock may be a test's fixed one).
 */
export class RunMetrics {
  private readonly runs = new BoundedMap<string, Followed>(RUNS_FOLLOWED);
  /** What loadToExecute told about a run before its first event. */
  private readonly loaded = new BoundedMap<string, { trigger: SyncTrigger; dryRun: boolean }>(RUNS_FOLLOWED);

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly now: () => number = () => performance.now(),
  ) {
    metrics.syncRunsInProgress.reset();
  }

  /** The run store, telling this of each run a worker starts (its trigger is not in the events). */
  observeRuns<S extends SyncRunStore>(store: S): S {
    return new Proxy(store, {
      get: (target, name) => {
        const value: unknown = Reflect.get(target, name, target);
        if (typeof value !== "function") return value;
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        if (name !== "loadToExecute") return method;
        return async (runId: string) => {
          const loaded = await target.loadToExecute(runId);
          if (loaded) this.loaded.set(runId, { trigger: loaded.run.trigger, dryRun: loaded.run.dryRun });
          return loaded;
        };
      },
    });
  }

  /** The bus, with every event this process publishes observed first (subscribers are untouched). */
  observeBus<B extends ProgressBus>(bus: B): B {
    return new Proxy(bus, {
      get: (target, name) => {
        const value: unknown = Reflect.get(target, name, target);
        if (typeof value !== "function") return value;
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        if (name !== "publish") return method;
        return (event: SyncProgressEvent) => {
          try {
            this.observe(event);
          } catch {
            // Metrics never fail a sync.
          }
          return target.publish(event);
        };
      },
    });
  }

  observe(event: SyncProgressEvent): void {
    const now = this.now();
    let run = this.runs.get(event.runId);
    if (!run) {
      const loaded = this.loaded.take(event.runId);
      run = {
        trigger: loaded?.trigger ?? "UNKNOWN",
        dryRun: loaded?.dryRun ?? false,
        phase: null,
        phaseSince: now,
        startedAt: now,
      };
      this.runs.set(event.runId, run);
    }
    if (run.phase !== event.phase) {
      if (run.phase !== null && run.phase !== "QUEUED" && run.phase !== "DONE")
        this.metrics.syncPhaseDuration.observe({ phase: run.phase }, (now - run.phaseSince) / 1000);
      run.phase = event.phase;
      run.phaseSince = now;
    }
    const ended = event.phase === "DONE" || event.status === "HELD";
    if (ended) {
      this.runs.take(event.runId);
      this.finished(event, run, now);
    }
    this.metrics.syncRunsInProgress.set(this.runs.size);
  }

  private finished(event: SyncProgressEvent, run: Followed, now: number): void {
    this.metrics.syncRuns.inc({ status: event.status, trigger: run.trigger, dry_run: String(run.dryRun) });
    this.metrics.syncRunDuration.observe({ status: event.status }, (now - run.startedAt) / 1000);
    if (run.dryRun || (event.status !== "SUCCEEDED" && event.status !== "PARTIAL")) return;
    const { created, updated, deleted, driftRepaired } = event.counts;
    if (created > 0) this.metrics.employeesWritten.inc({ action: "created" }, created);
    if (updated > 0) this.metrics.employeesWritten.inc({ action: "updated" }, updated);
    if (deleted > 0) this.metrics.employeesWritten.inc({ action: "deleted" }, deleted);
    if (driftRepaired > 0) this.metrics.driftRepaired.inc(driftRepaired);
  }
}
