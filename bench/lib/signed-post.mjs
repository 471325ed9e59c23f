// The signed POST of a Bob delivery, as both sender child processes make it.
import http from "node:http";

/** One signed Bob delivery: resolves to its latency and status (0: no answer). */
export function postSigned(agent, url, body, signature) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": body.length,
          "bob-signature": signature,
          "user-agent": "Bob-Webhooks-Bench",
        },
        timeout: 30_000,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ ms: performance.now() - t0, status: res.statusCode }));
        res.on("error", () => resolve({ ms: performance.now() - t0, status: 0 }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ ms: performance.now() - t0, status: 0 }));
    req.end(body);
  });
}

/** Latency percentiles (nearest rank) of a sender's acks, for its one JSON line. */
export function latencySummary(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return {
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: sorted.at(-1),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}
