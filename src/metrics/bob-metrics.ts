import type { BobEndpointName, BobRequestEvent } from "../bob/bob-client.js";
import type { GatewayMetrics } from "./gateway-metrics.js";

/** Bob's paths (without /v1 and the query string), the endpoint label: what an operator reads in Bob's docs. */
export const BOB_ENDPOINT_PATHS: Record<BobEndpointName, string> = {
  "people.search": "/people/search",
  "company.fields": "/company/people/fields",
  "company.namedLists": "/company/named-lists",
};

/** The Bob client's observers (BobHttpClientOptions.onRequest / onRateLimitWait), feeding the metrics. */
export function bobObservers(metrics: GatewayMetrics): {
  onRequest: (event: BobRequestEvent) => void;
  onRateLimitWait: (endpoint: BobEndpointName, waitedMs: number) => void;
} {
  return {
    onRequest(event) {
      const endpoint = BOB_ENDPOINT_PATHS[event.endpoint];
      // A status when Bob answered (even if the body then broke off), else what went wrong.
      const status = event.status !== null ? String(event.status) : (event.failure ?? "unknown");
      metrics.bobRequests.inc({ endpoint, status });
      metrics.bobRequestDuration.observe({ endpoint }, event.ms / 1000);
      if (event.status === 429) metrics.bobRateLimited.inc({ endpoint });
    },
    onRateLimitWait(endpoint, waitedMs) {
      metrics.bobRateLimitWait.observe({ endpoint: BOB_ENDPOINT_PATHS[endpoint] }, Math.max(0, waitedMs) / 1000);
    },
  };
}
