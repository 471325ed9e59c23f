// Starting gateways (as a child process or in-process), talking GraphQL to them, driving a sync.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { ROOT, dist, freePort, nowMs, onCleanup, sleep, within } from "./common.mjs";

const { CallerTokens } = await dist("auth/caller-tokens.js");

export function newSecrets() {
  return { jwtSecret: randomBytes(32).toString("base64url"), encryptionKey: randomBytes(32).toString("base64") };
}

/**
 * `node dist/src/main.js` as its own OS process, so its memory is its own. rss() reads
 * /proc/<pid>/status: VmHWM is the peak resident set since the process started.
 */
export async function spawnGateway({ databaseUrl, bobApiUrl, secrets, cpuProfDir, nodeArgs = [], env = {} }) {
  const port = await freePort();
  const args = [...nodeArgs];
  if (cpuProfDir) {
    mkdirSync(cpuProfDir, { recursive: true });
    args.push("--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`);
  }
  const child = spawn(process.execPath, [...args, `${ROOT}dist/src/main.js`], {
    env: {
      PATH: process.env.PATH ?? "",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      DATA_DIR: "/nonexistent-bench-data-dir",
      DATABASE_URL: databaseUrl,
      BOB_API_URL: bobApiUrl,
      JWT_SECRET: secrets.jwtSecret,
      ENCRYPTION_KEY: secrets.encryptionKey,
      PUBLIC_URL: "http://gateway.bench",
      NODE_ENV: "production",
      // Passed on when set, to measure with and without the directory kept between syncs (0), or
      // with another number of concurrent full syncs.
      ...(process.env.DIRECTORY_CACHE_EMPLOYEES === undefined
        ? {}
        : { DIRECTORY_CACHE_EMPLOYEES: process.env.DIRECTORY_CACHE_EMPLOYEES }),
      ...(process.env.SYNC_CONCURRENCY === undefined ? {} : { SYNC_CONCURRENCY: process.env.SYNC_CONCURRENCY }),
      // BENCH_QUERY_THREAD=off: the spawned gateways run without the query thread too.
      ...(process.env.BENCH_QUERY_THREAD === "off" ? { QUERY_THREAD: "off" } : {}),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let inspector = "";
  child.stdout.on("data", (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on("data", (d) => {
    if (!inspector) inspector = /ws:\/\/\S+/.exec(String(d))?.[0] ?? "";
    output = (output + d).slice(-20_000);
  });
  let exitStatus = null;
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve((exitStatus = { code, signal }))),
  );
  const stop = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 12_000);
      await exited;
      clearTimeout(killer);
    }
  });
  const url = `http://127.0.0.1:${port}`;
  await within(
    (async () => {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`gateway exited early:\n${output}`);
        if (
          await fetch(`${url}/readyz`).then(
            (r) => r.status === 200,
            () => false,
          )
        )
          return;
        await sleep(100);
      }
    })(),
    60_000,
    "gateway readiness",
  );
  const status = (key) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return {
    url,
    pid: child.pid,
    output: () => output,
    exitStatus: () => exitStatus,
    stop,
    peakRssMb: () => status("VmHWM"),
    rssMb: () => status("VmRSS"),
    liveHeapMb: () => liveHeapMb(inspector),
  };
}

/**
 * The gateway's live heap after a full garbage collection, through the inspector (a gateway
 * spawned with nodeArgs ["--inspect=127.0.0.1:0"]): tells a leak from garbage V8 has not
 * collected yet, which RSS cannot.
 */
async function liveHeapMb(output) {
  const address = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(output)?.[0];
  if (!address) return null;
  const socket = new WebSocket(address);
  await new Promise((resolve, reject) => (socket.once("open", resolve), socket.once("error", reject)));
  let id = 0;
  const call = (method) =>
    new Promise((resolve) => {
      const mine = ++id;
      const onMessage = (data) => {
        const message = JSON.parse(String(data));
        if (message.id === mine) (socket.off("message", onMessage), resolve(message.result));
      };
      socket.on("message", onMessage);
      socket.send(JSON.stringify({ id: mine, method }));
    });
  try {
    await call("HeapProfiler.collectGarbage");
    const usage = await call("Runtime.getHeapUsage");
    return Math.round(usage.usedSize / 1048576);
  } finally {
    socket.close();
  }
}

/** startGateway() in this process, so onQuery can count SQL statements and publish() can be observed. */
export async function startInProcessGateway({ database, bobApiUrl, secrets, onQuery }) {
  const { startGateway } = await dist("app.js");
  const { createLogger } = await dist("logger.js");
  const config = {
    port: 0,
    host: "127.0.0.1",
    database,
    bobApiUrl,
    bobSyncTimeoutMs: 120_000,
    publicUrl: "http://gateway.bench",
    production: true,
    dataDir: "/nonexistent-bench-data-dir",
    // As `npm start` runs it (QUERY_THREAD defaults to on; BENCH_QUERY_THREAD=off for an A/B run): on
    // PostgreSQL, heavy queries in a thread of their own.
    queryThread: process.env.BENCH_QUERY_THREAD !== "off",
    ...secrets,
    logLevel: "warn",
  };
  // "error": fieldMappings requests still queued on the Bob rate limit when the load ends log retries.
  const gateway = await startGateway(config, { logger: createLogger("error"), ...(onQuery ? { onQuery } : {}) });
  const stop = onCleanup(() => gateway.stop());
  return { url: gateway.url, gateway, stop };
}

/**
 * VACUUM ANALYZE, as autovacuum does within a minute or so of a bulk load: right after a first
 * sync the planner still counts a handful of rows per company, so reads measured then (the
 * gateway's and their floors alike) would run plans no settled database runs.
 */
export async function settleStatistics(gateway) {
  if (gateway.db.kind === "pglite") {
    await gateway.db.pglite.query("vacuum analyze");
    return;
  }
  const client = new pg.Client({ connectionString: gateway.db.url });
  await client.connect();
  try {
    await client.query("vacuum analyze");
  } finally {
    await client.end();
  }
}

// ---- GraphQL --------------------------------------------------------------------------------
export async function gql(url, token, query, variables = {}, retried = false) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  }).catch((error) => {
    // A pooled keep-alive socket the gateway closed while its event loop was blocked (seen with PGlite):
    // retry once on a new socket; every operation the bench sends is safe to repeat.
    if (!retried && /other side closed|ECONNRESET/.test(`${error.cause?.message} ${error.cause?.code}`)) return null;
    throw new Error(`${error.message}: ${error.cause?.message ?? error.cause?.code ?? "no cause"}`);
  });
  if (res === null) return gql(url, token, query, variables, true);
  const body = await res.json();
  if (body.errors) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export function wsClient(url, token) {
  const client = createClient({
    url: `${url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  const dispose = onCleanup(() => client.dispose());
  return { client, dispose };
}

const CUSTOM_ATTRIBUTES = [
  ["Desk number", "NUMBER"],
  ["Last promotion date", "DATE"],
  ["Remote worker", "OPTION"],
  ["T-shirt size", "OPTION"],
  ["Cost center", "OPTION"],
];

export const PROGRESS_FIELDS =
  "runId status phase processed total counts { fetched created updated deleted unchanged skipped }";
const RUN_FIELDS =
  "id status phase error queuedAt startedAt finishedAt counts { fetched created updated deleted unchanged skipped }";

/**
 * A company with the integration enabled (SUPPORT) and connected to the simulator (ADMIN), and
 * a syncProgress subscription that timestamps every event on receipt.
 */
export async function connectCompany({ url, secrets, sim, companyId }) {
  const tokens = new CallerTokens(secrets.jwtSecret);
  const support = await tokens.mint({ subject: "bench", companyId, role: "SUPPORT" });
  const admin = await tokens.mint({ subject: "bench", companyId, role: "ADMIN" });
  await gql(url, support, "mutation { enableIntegration { status } }");
  const su = sim.credentials.serviceUser;
  const connected = await gql(
    url,
    admin,
    "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }",
    { i: { accessToken: su.token, serviceUserId: su.id } },
  );
  if (connected.connectIntegration.status !== "CONNECTED")
    throw new Error(`not connected: ${JSON.stringify(connected)}`);
  // Five of the simulator's custom Bob fields get a Peakon attribute of the same name and a
  // compatible type, as an admin would create them: each employee then syncs about 25 fields.
  for (const [name, type] of CUSTOM_ATTRIBUTES) {
    await gql(url, admin, "mutation($i: CreateAttributeInput!) { createAttribute(input: $i) { id } }", {
      i: { name, type },
    });
  }

  const events = [];
  let closing = false;
  const waiters = new Set();
  const ws = wsClient(url, admin);
  const connectedWs = new Promise((resolve) => ws.client.on("connected", resolve));
  ws.client.subscribe(
    { query: `subscription { syncProgress { ${PROGRESS_FIELDS} } }` },
    {
      next: (v) => {
        if (!v.data) return;
        events.push({ at: nowMs(), ...v.data.syncProgress });
        for (const w of waiters) w();
      },
      error: (e) => closing || console.error("progress subscription error:", e?.message ?? e?.code ?? e),
      complete: () => undefined,
    },
  );
  let broken = null; // the socket closed under us (the gateway died or stalled): fail now, not at the timeout
  ws.client.on("closed", (e) => {
    if (closing) return;
    broken = new Error(`progress subscription socket closed (code ${e?.code ?? "?"})`);
    for (const w of waiters) w();
  });
  await connectedWs;
  await sleep(200); // the subscribe message is processed after connection_ack

  /** synchronizeNow -> DONE (or HELD/FAILED); wall time and phase durations from event receipt times. */
  async function syncAndTime({ timeoutMs = 900_000 } = {}) {
    const t0 = nowMs();
    const { synchronizeNow } = await gql(url, admin, "mutation { synchronizeNow { id } }");
    const runId = synchronizeNow.id;
    const ofRun = () => events.filter((e) => e.runId === runId);
    const finished = () => ofRun().find((e) => e.phase === "DONE" || e.status === "HELD" || e.status === "FAILED");
    await within(
      new Promise((resolve, reject) => {
        const check = () => {
          if (finished()) (waiters.delete(check), resolve());
          else if (broken) (waiters.delete(check), reject(broken));
        };
        waiters.add(check);
        check();
      }),
      timeoutMs,
      `sync ${runId}`,
    );
    const end = finished();
    const first = (phase) => ofRun().find((e) => e.phase === phase)?.at;
    const [fetching, planning, applying] = [first("FETCHING"), first("PLANNING"), first("APPLYING")];
    const { syncRun } = await gql(url, admin, `query($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: runId });
    if (syncRun.status === "FAILED" || syncRun.status === "HELD")
      throw new Error(`sync ended ${syncRun.status}: ${syncRun.error}`);
    return {
      runId,
      status: syncRun.status,
      counts: syncRun.counts,
      events: ofRun().length,
      wallMs: end.at - t0,
      queueMs: fetching - t0,
      fetchMs: planning - fetching,
      // A run with nothing to write goes from PLANNING straight to DONE: no apply phase.
      planMs: (applying ?? end.at) - planning,
      applyMs: applying === undefined ? 0 : end.at - applying,
    };
  }
  const closeProgress = () => {
    closing = true;
    return ws.dispose();
  };
  return { admin, support, tokens, events, syncAndTime, closeProgress };
}
