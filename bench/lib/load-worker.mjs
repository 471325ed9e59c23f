// Child process: autocannon against one HTTP endpoint; prints its result as one JSON line.
// Runs outside the gateway's process so the load generator does not share its event loop.
// `distinct`: every request's body gets a fresh random id where it says [<id>] (autocannon's
// idReplacement), so no two requests are the same (defeats any cache keyed on the request).
import autocannon from "autocannon";

const {
  url,
  path = "/graphql",
  token,
  body,
  connections,
  durationSeconds,
  distinct = false,
} = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: `${url}${path}`,
  method: "POST",
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body,
  idReplacement: distinct,
  connections,
  duration: durationSeconds,
  timeout: 30,
});
process.stdout.write(
  `${JSON.stringify({
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    rps: result.requests.average,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
