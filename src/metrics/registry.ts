import { collectDefaultMetrics, Registry } from "prom-client";

/** Every metric name starts with this: one prefix to find the gateway's series in Prometheus. */
export const METRIC_PREFIX = "bob_gateway_";

/**
 * A registry of its own per gateway instance, never prom-client's global one: tests (and the
 * replica benchmarks) start several gateways in one process, and each must expose only its own
 * counts. Process metrics (CPU, memory, event loop lag, GC) are collected on it too, prefixed.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
