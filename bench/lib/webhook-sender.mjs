// Child process: posts pre-signed webhook bodies from N concurrent senders (keep-alive sockets,
// one request in flight per sender) and prints one JSON line with the ack latencies. Runs outside
// the gateway's process so the senders do not share its event loop.
//   node webhook-sender.mjs <job.json>   job = { url, concurrency, items: [{ body, signature }] }
import { readFileSync } from "node:fs";
import http from "node:http";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const target = new URL(job.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency });
const items = job.items.map((i) => ({ body: Buffer.from(i.body, "utf8"), signature: i.signature }));
const now = () => performance.timeOrigin + performance.now();

function post(item) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": item.body.length,
          "bob-signature": item.signature,
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
    req.end(item.body);
  });
}

const latencies = new Float64Array(items.length);
const statuses = {};
let next = 0;
const firstSendAt = now();
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      const r = await post(items[i]);
      latencies[i] = r.ms;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  }),
);
const lastAckAt = now();
agent.destroy();

const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
process.stdout.write(
  `${JSON.stringify({
    requests: items.length,
    statuses,
    firstSendAt,
    lastAckAt,
    wallMs: lastAckAt - firstSendAt,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: sorted.at(-1),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  })}\n`,
);
