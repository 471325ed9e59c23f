/**
 * RunMetrics (src/metrics/run-metrics.ts): what the progress events of this process's runs become,
 * and that events heard from other replicas (subscribe) are not counted.
 */
import { describe, expect, it } from "vitest";
import { InProcessProgressBus } from "../../src/pubsub/progress-bus.js";
import type { SyncProgressEvent, SyncRunRecord } from "../../src/domain/sync/sync-run.js";
import { ZERO_COUNTS } from "../../src/domain/sync/sync-run.js";
import type { SyncRunStore } from "../../src/domain/ports/sync-run-store.js";
import { createMetricsRegistry, GatewayMetrics, RunMetrics } from "../../src/metrics/index.js";

const event = (
  runId: string,
  phase: SyncProgressEvent["phase"],
  status: SyncProgressEvent["status"] = "RUNNING",
  counts = ZERO_COUNTS,
): SyncProgressEvent => ({ companyId: "co", runId, status, phase, processed: 0, total: null, counts });

async function value(metrics: GatewayMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const base = name.replace(/_(sum|count|bucket)$/, "");
  const metric = metrics.registry.getSingleMetric(base);
  const values = ((await metric?.get())?.values ?? []).filter((v) => (v.metricName ?? base) === name);
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => String((v.labels as Record<string, unknown>)[k]) === l))
    .reduce((sum, v) => sum + v.value, 0);
}

describe("RunMetrics", () => {
  it("counts a run by status and trigger, times its phases and adds what it wrote", async () => {
    const metrics = new GatewayMetrics(createMetricsRegistry());
    let now = 0;
    const runs = new RunMetrics(metrics, () => now);
    const record = { id: "r1", trigger: "SCHEDULED", dryRun: false } as SyncRunRecord;
    const store = runs.observeRuns({
      loadToExecute: async () => ({ run: record, held: false }),
    } as unknown as SyncRunStore);
    await store.loadToExecute("r1");
    const bus = runs.observeBus(new InProcessProgressBus());
    await bus.publish(event("r1", "FETCHING"));
    now = 2_000;
    await bus.publish(event("r1", "PLANNING"));
    now = 2_500;
    await bus.publish(event("r1", "APPLYING"));
    expect(await value(metrics, "bob_gateway_sync_runs_in_progress")).toBe(1);
    now = 4_500;
    await bus.publish(event("r1", "DONE", "PARTIAL", { ...ZERO_COUNTS, created: 3, updated: 2, driftRepaired: 2 }));

    expect(
      await value(metrics, "bob_gateway_sync_runs_total", {
        status: "PARTIAL",
        trigger: "SCHEDULED",
        dry_run: "false",
      }),
    ).toBe(1);
    expect(await value(metrics, "bob_gateway_sync_runs_in_progress")).toBe(0);
    expect(await value(metrics, "bob_gateway_sync_phase_duration_seconds_sum", { phase: "FETCHING" })).toBe(2);
    expect(await value(metrics, "bob_gateway_sync_phase_duration_seconds_sum", { phase: "PLANNING" })).toBe(0.5);
    expect(await value(metrics, "bob_gateway_sync_phase_duration_seconds_sum", { phase: "APPLYING" })).toBe(2);
    expect(await value(metrics, "bob_gateway_sync_run_duration_seconds_sum")).toBe(4.5);
    expect(await value(metrics, "bob_gateway_sync_employees_written_total", { action: "created" })).toBe(3);
    expect(await value(metrics, "bob_gateway_sync_employees_written_total", { action: "updated" })).toBe(2);
    expect(await value(metrics, "bob_gateway_sync_drift_repaired_total")).toBe(2);
  });

  it("counts a HELD run, writes nothing for a dry run or a failure, and ignores what subscribers hear from elsewhere", async () => {
    const metrics = new GatewayMetrics(createMetricsRegistry());
    const runs = new RunMetrics(metrics);
    const inner = new InProcessProgressBus();
    const bus = runs.observeBus(inner);
    await bus.publish(event("held", "FETCHING"));
    await bus.publish(event("held", "PLANNING", "HELD"));
    await bus.publish(event("failed", "DONE", "FAILED", { ...ZERO_COUNTS, created: 5 }));
    // Another replica's event reaches this process's subscribers only (the inner bus), not publish.
    await inner.publish(event("elsewhere", "DONE", "SUCCEEDED", { ...ZERO_COUNTS, created: 7 }));

    expect(await value(metrics, "bob_gateway_sync_runs_total", { status: "HELD", trigger: "UNKNOWN" })).toBe(1);
    expect(await value(metrics, "bob_gateway_sync_runs_total", { status: "FAILED" })).toBe(1);
    expect(await value(metrics, "bob_gateway_sync_runs_total")).toBe(2);
    expect(await value(metrics, "bob_gateway_sync_employees_written_total")).toBe(0);
    expect(await value(metrics, "bob_gateway_sync_runs_in_progress")).toBe(0);
  });
});
