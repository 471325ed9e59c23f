// Child process: posts pre-signed webhook bodies at a fixed rate (open loop: item i is due at
// i / rate seconds, whatever the answers so far), each to its own URL, and prints one JSON line
// with the ack latencies and how late the sender itself ran. Bob sends at its own pace, not
// when we answer: a closed-loop sender would hide a slow gateway by sending less.
//   node paced-sender.mjs <job.json>   job = { ratePerSecond, items: [{ url, body, signature }] }
import { readFileSync } from "node:fs";
import http from "node:http";
import { latencySummary, postSigned } from "./signed-post.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const items = job.items.map((i) => ({
  url: new URL(i.url),
  body: Buffer.from(i.body, "utf8"),
  signature: i.signature,
}));
const now = () => performance.timeOrigin + performance.now();

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
    postSigned(agent, items[i].url, items[i].body, items[i].signature).then((r) => {
      latencies[i] = r.ms;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }),
  );
}
await Promise.all(pending);
const lastAckAt = now();
agent.destroy();

process.stdout.write(
  `${JSON.stringify({
    requests: items.length,
    statuses,
    firstSendAt,
    lastAckAt,
    wallMs: lastAckAt - firstSendAt,
    maxLateMs,
    ...latencySummary(latencies),
  })}\n`,
);
