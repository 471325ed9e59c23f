// 500 graphql-ws subscribers (in a child process) on one running sync. Publication time is taken
// in the gateway's own process by wrapping its ProgressBus.publish(): lag = a subscriber's receive
// time - the moment the sync runner called publish() (so PostgreSQL's NOTIFY round trip counts).
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { nowMs, onCleanup, percentile, sleep, within } from "./lib/common.mjs";
import { connectCompany } from "./lib/gateway.mjs";

const SWARM = fileURLToPath(new URL("./lib/subscriber-swarm.mjs", import.meta.url));

export async function benchSubscriptions({ url, gateway, secrets, sim, subscribers, companyId = "bench-subs" }) {
  const co = await connectCompany({ url, secrets, sim, companyId });
  const bus = gateway.services.progress;
  const published = [];
  const original = bus.publish;
  bus.publish = function (event) {
    if (event.companyId === companyId)
      published.push({ t: nowMs(), key: `${event.status}/${event.phase}/${event.processed}` });
    return original.call(this, event);
  };
  const child = fork(SWARM, [JSON.stringify({ url, token: co.admin, count: subscribers })], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  const message = (type) =>
    new Promise((resolve, reject) => {
      const on = (m) => {
        if (m.type === "failed") reject(new Error(`subscriber swarm: ${m.message}`));
        if (m.type === type) (child.off("message", on), resolve(m));
      };
      child.on("message", on);
    });
  try {
    await within(message("ready"), 60_000, `${subscribers} subscribers connecting`);
    const run = await co.syncAndTime();
    await sleep(1000); // stragglers
    const collected = message("events");
    child.send({ type: "collect" });
    const { subscribers: received } = await within(collected, 60_000, "collecting subscriber events");
    const expected = published.map((p) => p.key).join(",");
    const complete = received.filter((r) => r.map((e) => e.key).join(",") === expected).length;
    const lags = [];
    for (const r of received)
      r.forEach((e, i) => published[i] && e.key === published[i].key && lags.push(e.t - published[i].t));
    return {
      subscribers,
      events: published.length,
      eventsInSync: run.events,
      complete,
      lagP50Ms: percentile(lags, 50),
      lagP99Ms: percentile(lags, 99),
      lagMaxMs: Math.max(...lags),
      lagReference: "ProgressBus.publish() call in the gateway process",
    };
  } finally {
    bus.publish = original;
    await co.closeProgress();
    await kill();
  }
}
