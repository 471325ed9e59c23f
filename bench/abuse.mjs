// Abuse: /healthz while 10 clients send the heaviest query the operation limits allow
// (README "Limits"), uncached (a fresh variable per request), against the in-process gateway.
// The figure is /healthz p99 under that load as a ratio to idle /healthz p99 in the same run
// (goal ≤ 2×): a tenant within the limits must not stall the process for everyone else.
//
// /healthz is probed from a child process (this file run with --probe), one request at a time
// on a keep-alive socket, timed with sub-millisecond precision; the load comes from autocannon
// in another child (bench/lib/load-worker.mjs).
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { dist, onCleanup, percentile, round, table } from "./lib/common.mjs";

const SELF = fileURLToPath(import.meta.url);
const WORKER = fileURLToPath(new URL("./lib/load-worker.mjs", import.meta.url));

/** Within MAX_COST (asserted below with the gateway's own measure): 500 employees, every scalar, manager and attributes. */
export const HEAVIEST =
  "query Heaviest { employees(first: 500) { totalCount edges { node { id bobId firstName lastName email employeeNumber startDate birthDate separationDate separationReason lifecycle surveyable tenureMonths manager { bobId firstName lastName } attributes { attribute { id name type } value } } } } }";

function child(args) {
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  // "close", not "exit": stdout may still hold the child's line when it exits.
  const exited = new Promise((resolve) => proc.once("close", resolve));
  const kill = onCleanup(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    await exited;
  });
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  return exited.then(async (code) => {
    await kill();
    if (code !== 0) throw new Error(`${args[0]} exited ${code}`);
    return JSON.parse(out);
  });
}

const probe = (url, durationSeconds) => child([SELF, "--probe", url, String(durationSeconds)]);

/** The heaviest allowed query's cost, measured as the gateway measures it. */
async function costOf(query) {
  await import("reflect-metadata");
  const { parse } = await import("graphql");
  const { buildGatewaySchema } = await dist("graphql/schema.js");
  const { measureOperation, MAX_COST } = await dist("graphql/operation-limits.js");
  const measure = measureOperation(await buildGatewaySchema(), parse(query), undefined, {});
  if (!measure || measure.cost > MAX_COST)
    throw new Error(`the "heaviest allowed" query costs ${measure?.cost}, over MAX_COST ${MAX_COST}`);
  return { cost: measure.cost, maxCost: MAX_COST };
}

export async function benchAbuse({ url, token, durationSeconds, clients = 10 }) {
  const { cost, maxCost } = await costOf(HEAVIEST);
  // Proof it is allowed and answers; its size.
  const check = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: HEAVIEST }),
  });
  const text = await check.text();
  if (check.status !== 200 || JSON.parse(text).errors)
    throw new Error(`the heaviest allowed query failed: ${text.slice(0, 300)}`);
  const idle = await probe(url, durationSeconds);
  const body = JSON.stringify({ query: HEAVIEST, variables: { nonce: "[<id>]" } });
  const [loaded, load] = await Promise.all([
    probe(url, durationSeconds),
    child([WORKER, JSON.stringify({ url, token, body, connections: clients, durationSeconds, distinct: true })]),
  ]);
  return {
    clients,
    cost,
    maxCost,
    responseKiB: round(Buffer.byteLength(text) / 1024),
    idle,
    loaded,
    load,
    ratioP99: round(loaded.p99 / idle.p99),
  };
}

export function abuseReport(results, { durationSeconds }) {
  if (results.length === 0) return "abuse: not run";
  const r0 = results[0];
  return [
    `### Abuse: /healthz while ${r0.clients} clients send the heaviest allowed query (cost ${r0.cost} of ${r0.maxCost}, ${r0.responseKiB} KiB, uncached), ${durationSeconds} s each (ms)`,
    "",
    table(
      results.map((r) => ({
        db: r.db,
        ip50: r.idle.p50,
        ip99: r.idle.p99,
        lp50: r.loaded.p50,
        lp99: r.loaded.p99,
        lmax: r.loaded.max,
        ratio: `${r.ratioP99}×`,
        ok: r.ratioP99 <= 2 ? "yes" : "NO",
        hp50: r.load.p50,
        hp99: r.load.p99,
        rps: r.load.rps,
        bad: r.load.non2xx + r.load.errors + r.load.timeouts,
        thread: r.queryThread ? `${r.queryThread.offloaded} / ${r.queryThread.fallbacks}` : "none",
      })),
      [
        ["db", "db"],
        ["ip50", "idle /healthz p50"],
        ["ip99", "idle p99"],
        ["lp50", "loaded /healthz p50"],
        ["lp99", "loaded p99"],
        ["lmax", "loaded max"],
        ["ratio", "p99 loaded ÷ idle"],
        ["ok", "≤2×"],
        ["hp50", "heavy query p50"],
        ["hp99", "heavy p99"],
        ["rps", "heavy req/s"],
        ["bad", "errors"],
        ["thread", "query thread: answered / fell back"],
      ],
    ),
  ].join("\n");
}

// ---- --probe <url> <seconds>: sequential GET /healthz, one JSON line of latencies ----------
if (process.argv[2] === "--probe") {
  const [, , , url, seconds] = process.argv;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(`${url}/healthz`, { agent }, (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`/healthz ${res.statusCode}`)),
        );
      });
      req.on("error", reject);
      req.end();
    });
  const until = performance.now() + Number(seconds) * 1000;
  const latencies = [];
  while (performance.now() < until) latencies.push(await get());
  const ms = (p) => round(percentile(latencies, p), 2);
  process.stdout.write(
    `${JSON.stringify({ requests: latencies.length, p50: ms(50), p99: ms(99), max: round(Math.max(...latencies), 2) })}\n`,
  );
  agent.destroy();
}
