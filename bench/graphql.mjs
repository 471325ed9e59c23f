// GraphQL under load: autocannon (child process) with 50 connections against an in-process
// gateway, whose onQuery hook counts the SQL statements each request costs.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onCleanup } from "./lib/common.mjs";
import { gql } from "./lib/gateway.mjs";

const WORKER = fileURLToPath(new URL("./lib/load-worker.mjs", import.meta.url));
const employees = (n) => `{ employees(first: ${n}) { totalCount edges { node { bobId firstName lastName manager { bobId } attributes { attribute { name } value } } } } }`;
export const QUERIES = {
  "employees(first: 100)": employees(100),
  "employees(first: 5)": employees(5),
  syncRuns: "{ syncRuns(first: 20) { totalCount edges { node { id status phase queuedAt counts { fetched created updated unchanged } } } } }",
  // Reads Bob's field metadata live: the gateway's own Bob rate limit (100 calls/min) caps it.
  fieldMappings: "{ fieldMappings { bobFieldId bobFieldName status attribute { name } } }",
};

function autocannon(options) {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(options)], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return exited.then(async (code) => {
    await kill();
    if (code !== 0) throw new Error(`load worker exited ${code}`);
    return JSON.parse(out);
  });
}

/** queries: counter() returns the number of SQL statements the gateway has run so far. */
export async function benchGraphql({ url, token, queryCount, connections, durationSeconds, loaded = Object.keys(QUERIES) }) {
  const rows = [];
  for (const [name, query] of Object.entries(QUERIES)) {
    // SQL statements per request, sequentially. The counter also sees the gateway's background
    // statements (pg-boss polling, maintenance), which only ever add: the least of several short
    // rounds is the request's own count.
    await gql(url, token, query); // warm-up, and proof it answers without errors
    const perRound = 3;
    const rounds = [];
    for (let r = 0; r < 7; r++) {
      const before = queryCount();
      for (let i = 0; i < perRound; i++) await gql(url, token, query);
      rounds.push((queryCount() - before) / perRound);
    }
    const queriesPerRequest = Math.min(...rounds);
    let load = null;
    if (loaded.includes(name)) {
      const q0 = queryCount();
      load = await autocannon({ url, token, body: JSON.stringify({ query }), connections, durationSeconds });
      load.queriesPerRequest = load.requests > 0 ? (queryCount() - q0) / load.requests : NaN;
    }
    rows.push({ name, queriesPerRequest, load });
  }
  return rows;
}
