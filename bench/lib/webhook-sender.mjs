// Child process: posts pre-signed webhook bodies from N concurrent senders (keep-alive sockets,
// one request in flight per sender) and prints one JSON line with the ack latencies. Runs outside
// the gateway's process so the senders do not share its event loop.
//   node webhook-sender.mjs <job.json>   job = { url, concurrency, items: [{ body, signature }] }
import { readFileSync } from "node:fs";
import http from "node:http";
import { latencySummary, postSigned } from "./signed-post.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const target = new URL(job.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency });
const items = job.items.map((i) => ({ body: Buffer.from(i.body, "utf8"), signature: i.signature }));
const now = () => performance.timeOrigin + performance.now();

const latencies = new Float64Array(items.length);
const statuses = {};
let next = 0;
const firstSendAt = now();
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      const r = await postSigned(agent, target, items[i].body, items[i].signature);
      latencies[i] = r.ms;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  }),
);
const lastAckAt = now();
agent.destroy();

process.stdout.write(
  `${JSON.stringify({
    requests: items.length,
    statuses,
    firstSendAt,
    lastAckAt,
    wallMs: lastAckAt - firstSendAt,
    ...latencySummary(latencies),
  })}\n`,
);
