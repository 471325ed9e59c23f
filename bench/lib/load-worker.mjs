// Child process: autocannon against one GraphQL request; prints its result as one JSON line.
// Runs outside the gateway's process so the load generator does not share its event loop.
import autocannon from "autocannon";

const { url, token, body, connections, durationSeconds } = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: `${url}/graphql`,
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  body,
  connections,
  duration: durationSeconds,
  timeout: 30,
});
process.stdout.write(`${JSON.stringify({
  p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max,
  requests: result.requests.total, rps: result.requests.average,
  ok: result["2xx"], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
})}\n`);
