export { createMetricsRegistry, METRIC_PREFIX } from "./registry.js";
export { GatewayMetrics, type CacheStats, type QueueDepth, type ScrapeSources } from "./gateway-metrics.js";
export { RunMetrics } from "./run-metrics.js";
export { observedDeliveries } from "./delivery-metrics.js";
export { bobObservers, BOB_ENDPOINT_PATHS } from "./bob-metrics.js";
export { webhookAckTimer } from "./ack-timer.js";
export { cacheStatsOf, queueDepthsOf } from "./scrape-sources.js";
export { metricsRoute } from "./route.js";
