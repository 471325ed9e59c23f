// Child process: posts pre-signed webhook bodies at a fixed rate (open loop: item i is due at
// i / rate seconds, whatever the answers so far), each to its own URL, and prints one JSON line
// with the ack latencies and how late the sender itself ran. Bob sends at its own pace, not
// when we answer: a closed-loop sender would hide a slow gateway by sending less.
//   node paced-sender.mjs <job.json>   job = { ratePerSecond, items: [{ url, body, signature }] }
import { readFileSync } from "node:fs";
import http from "node:http";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const items = job.items.map((i) => ({
  url: new URL(i.url),
  body: Buffer.from(i.body, "utf8"),
  signature: i.signature,
}));
const now = () => performance.timeOrigin + performance.now();

function post(item) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(
      {
        agent,
        host: item.url.hostname,
        port: item.url.port,
        path: item.url.pathname,
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
const intervalMs = 1000 / job.ratePerSecond;
const firstSendAt = now();
let maxLateMs = 0;
const pending = [];
for (let i = 0; i < items.length; i++) {
  const due = firstSendAt + i * intervalMs;
  const wait = due - now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  maxLateMs = Math.max(maxLateMs, now() - due);
  pending.push(
    post(items[i]).then((r) => {
      latencies[i] = r.ms;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }),
  );
}
await Promise.all(pending);
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
    maxLateMs,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: sorted.at(-1),
  })}\n`,
);
