// Child process: N graphql-ws clients (one socket each) subscribed to syncProgress. Talks to the
// parent over IPC: "ready" once all are connected and subscribed; on "collect", every client's
// event sequence with receive times (performance.timeOrigin + now(): wall clock, sub-ms).
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { url, token, count } = JSON.parse(process.argv[2]);
const now = () => performance.timeOrigin + performance.now();
const subscribers = [];
const connected = [];
for (let i = 0; i < count; i++) {
  const received = [];
  const client = createClient({
    url: `${url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  connected.push(
    new Promise((resolve, reject) => {
      client.on("connected", resolve);
      client.on("closed", (e) => reject(new Error(`socket closed ${e?.code ?? ""}`)));
    }),
  );
  client.subscribe(
    { query: "subscription { syncProgress { runId status phase processed } }" },
    {
      next: (v) =>
        v.data &&
        received.push({
          t: now(),
          key: `${v.data.syncProgress.status}/${v.data.syncProgress.phase}/${v.data.syncProgress.processed}`,
        }),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  subscribers.push({ client, received });
}
try {
  await Promise.all(connected);
  // graphql-ws has no subscribe acknowledgement: let the server register the last subscriptions.
  await new Promise((r) => setTimeout(r, 1500));
  process.send({ type: "ready" });
} catch (error) {
  process.send({ type: "failed", message: String(error?.message ?? error) });
}
process.on("message", async (m) => {
  if (m.type !== "collect") return;
  process.send({ type: "events", subscribers: subscribers.map((s) => s.received) }, () => {
    void Promise.all(subscribers.map((s) => s.client.dispose())).finally(() => process.exit(0));
  });
});
process.on("disconnect", () => process.exit(0));
