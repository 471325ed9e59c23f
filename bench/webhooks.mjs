// Webhooks under a storm: 5,000 signed Bob v2 deliveries posted by 32 concurrent senders (a child
// process, keep-alive sockets) to an in-process gateway, against a floor measured in the same run
// (the same posts to a bare node:http server in this process that only checks the signature and
// answers 202). Measured: ack latency, acks/s, non-2xx, time from the first send until every
// delivery is applied, the Bob calls the applying made, and the least the batching rules allow.
import { fileURLToPath } from "node:url";
import { SEED, TODAY, dist, distSimulator, nowMs, prng, round, sleep, within } from "./lib/common.mjs";
import { gql } from "./lib/gateway.mjs";
import { runSenderJob } from "./lib/sender-job.mjs";
import { startWebhookFloor } from "./lib/webhook-floor.mjs";

const { bobSignature } = await distSimulator("index.js");
const { CallerTokens } = await dist("auth/caller-tokens.js");

const SENDER = fileURLToPath(new URL("./lib/webhook-sender.mjs", import.meta.url));
export const WEBHOOK_TARGETS = { ackP99Ms: 25 };
/** Bob's documented people-search limit (50 a minute per credential) and the gateway's ids per root.id filter (BobHttpClient maxIdsPerSearch). */
const SEARCH_PER_MINUTE = 50;
const MAX_IDS_PER_SEARCH = 1000;
const COMPANY = "bench-webhooks";
const HOOK_SECRET = "bench-hook-secret-7f3a9c2e51d04b8a";
const WARMUP = 64;

/** Bob's v2 timestamp: ISO-8601 with microseconds, no zone. */
const triggeredAt = (i) =>
  `${TODAY}T09:${String(Math.floor(i / 60000) % 60).padStart(2, "0")}:${String(Math.floor(i / 1000) % 60).padStart(2, "0")}.${String(i % 1000).padStart(3, "0")}001`;

/**
 * The storm, generated and applied to the simulator at once (Bob changes, then tells): mostly
 * employee.updated (a hot 10% of people gets 40% of them, so many repeats), some created, left
 * and deleted, and 1% exact resends of an earlier body (Bob retrying). Only employees that are
 * in the gateway's directory are named, so the convergence check can compare every one of them.
 */
function generateStorm(sim, known, n) {
  const rng = prng(SEED ^ 0x5eb400c5);
  const pick = (list) => list[Math.floor(rng() * list.length)];
  const snapshots = sim.company
    .employees()
    .filter((e) => known.has(e.id))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const managers = new Set(
    sim.company
      .employees()
      .map((e) => e.values["work.manager"])
      .filter((m) => typeof m === "string"),
  );
  let alive = snapshots.map((e) => e.id);
  const shuffled = [...alive];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  let hot = shuffled.slice(0, Math.max(1, Math.floor(alive.length / 10)));
  let leavable = snapshots
    .filter((e) => e.lifecycleStatus === "employed" && !e.values["internal.terminationDate"])
    .map((e) => e.id);
  let deletable = alive.filter((id) => !managers.has(id));
  const managerIds = [...managers].filter((m) => known.has(m));
  const companyId = sim.company.companyId;
  const bodies = [];
  const byType = {};
  const touched = new Set();
  const remove = (id) => {
    alive = alive.filter((x) => x !== id);
    hot = hot.filter((x) => x !== id);
    leavable = leavable.filter((x) => x !== id);
    deletable = deletable.filter((x) => x !== id);
  };
  for (let i = 0; i < n; i++) {
    const r = rng();
    let type,
      data,
      by = "3332883804594373380";
    if (r < 0.01 && bodies.length > 0) {
      bodies.push(pick(bodies));
      byType.resend = (byType.resend ?? 0) + 1;
      continue;
    } else if (r < 0.06) {
      type = "employee.created";
      const id = sim.company.createEmployee({
        "root.firstName": `Storm${i}`,
        "root.surname": `Created${i}`,
        "root.email": `storm.${i}@webhook-bench.example`,
        "work.startDate": "2026-06-01",
        ...(managerIds.length > 0 ? { "work.manager": pick(managerIds) } : {}),
      });
      alive.push(id);
      deletable.push(id);
      data = { employeeId: id };
    } else if (r < 0.1 && leavable.length > 0) {
      type = "employee.left";
      by = "system";
      const id = pick(leavable);
      leavable = leavable.filter((x) => x !== id);
      sim.company.terminateEmployee(id, {
        terminationDate: "2026-06-10",
        terminationReason: pick(["Resignation", "Relocation", "End of contract"]),
      });
      data = { employeeId: id, effectiveDate: "2026-06-10" };
    } else if (r < 0.13 && deletable.length > 0) {
      type = "employee.deleted";
      const id = pick(deletable);
      remove(id);
      sim.company.deleteEmployee(id);
      data = { employeeId: id };
    } else {
      type = "employee.updated";
      const id = rng() < 0.4 ? pick(hot) : pick(alive);
      const field = rng() < 0.7 ? "root.surname" : "root.firstName";
      sim.company.updateEmployee(id, { [field]: `${field === "root.surname" ? "Sur" : "First"}${i}` });
      data = { employeeId: id, fieldUpdates: [{ fieldId: field }] };
    }
    touched.add(data.employeeId);
    byType[type] = (byType[type] ?? 0) + 1;
    bodies.push(JSON.stringify({ companyId, type, triggeredBy: by, triggeredAt: triggeredAt(i), version: "v2", data }));
  }
  return { bodies, byType, touched };
}

function runSender(url, bodies, concurrency, secret) {
  return runSenderJob(SENDER, {
    url,
    concurrency,
    items: bodies.map((body) => ({ body, signature: bobSignature(secret, body) })),
  });
}

const summary = (r) => ({
  p50: round(r.p50, 2),
  p90: round(r.p90, 2),
  p99: round(r.p99, 2),
  max: round(r.max, 1),
  acksPerSecond: round((r.statuses["202"] ?? 0) / (r.wallMs / 1000), 0),
  non2xx: Object.entries(r.statuses)
    .filter(([s]) => !(Number(s) >= 200 && Number(s) < 300))
    .reduce((a, [, c]) => a + c, 0),
  statuses: r.statuses,
  wallMs: round(r.wallMs, 0),
});

async function connectAndSync({ url, secrets, sim }) {
  // Its own service user: its own rate-limit budget (the GraphQL benchmark spends bench-api's),
  // and the simulator's request log tells its calls apart.
  const serviceUser = { id: "SERVICE-WEBHOOK-BENCH", token: `whbench_${SEED}` };
  sim.addCredential({
    kind: "SERVICE_USER",
    id: serviceUser.id,
    token: serviceUser.token,
    scopes: ["Full employee read", "Employee fields read"],
  });
  const tokens = new CallerTokens(secrets.jwtSecret);
  const support = await tokens.mint({ subject: "bench", companyId: COMPANY, role: "SUPPORT" });
  const admin = await tokens.mint({ subject: "bench", companyId: COMPANY, role: "ADMIN" });
  await gql(url, support, "mutation { enableIntegration { status } }");
  const connected = await gql(
    url,
    admin,
    "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }",
    { i: { accessToken: serviceUser.token, serviceUserId: serviceUser.id } },
  );
  if (connected.connectIntegration.status !== "CONNECTED")
    throw new Error(`not connected: ${JSON.stringify(connected)}`);
  const { synchronizeNow } = await gql(url, admin, "mutation { synchronizeNow { id } }");
  const run = await within(
    (async () => {
      for (;;) {
        const { syncRun } = await gql(
          url,
          admin,
          "query($id: ID!) { syncRun(id: $id) { status phase error counts { created } } }",
          { id: synchronizeNow.id },
        );
        if (syncRun.status === "FAILED" || syncRun.status === "HELD")
          throw new Error(`sync ended ${syncRun.status}: ${syncRun.error}`);
        if (syncRun.phase === "DONE") return syncRun;
        await sleep(200);
      }
    })(),
    600_000,
    "the webhook company's full sync",
  );
  return { admin, serviceUser, run };
}

/** gateway: the in-process gateway (startGateway's result: its db answers the progress polls). */
export async function benchWebhooks({
  url,
  gateway,
  secrets,
  sim,
  deliveries = 5000,
  senders = 32,
  log = () => undefined,
}) {
  const em = () => gateway.db.em();
  const sql = (text, params = []) => em().execute(text, params);

  const { admin, serviceUser, run } = await connectAndSync({ url, secrets, sim });
  log(`webhooks: ${COMPANY} synced (${run.counts.created} employees); generating ${deliveries} deliveries`);
  const set = await gql(
    url,
    admin,
    "mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl realTimeUpdates } }",
    { s: HOOK_SECRET },
  );
  if (!set.setHookSecret.realTimeUpdates) throw new Error("real-time updates are not on after setHookSecret");
  const hookUrl = `${url}/webhooks/bob/${set.setHookSecret.webhookUrl.split("/").at(-1)}`;

  const known = new Set(
    (await sql("select bob_id from employee where company_id = ?", [COMPANY])).map((r) => r.bob_id),
  );
  const storm = generateStorm(sim, known, deliveries);
  const distinctBodies = new Set(storm.bodies).size;
  const warmup = Array.from({ length: WARMUP }, (_, i) =>
    JSON.stringify({
      companyId: sim.company.companyId,
      type: "table.entry.updated",
      triggeredBy: "system",
      triggeredAt: triggeredAt(900_000 + i),
      version: "v2",
      data: { employeeId: [...known][i % known.size], tableId: "work", effectiveDate: TODAY },
    }),
  );

  // ---- floor -------------------------------------------------------------------------------
  const floorServer = await startWebhookFloor(() => HOOK_SECRET);
  const floorUrl = `${floorServer.origin}/webhooks/bob/floor`;
  await runSender(floorUrl, warmup, senders, HOOK_SECRET);
  const floorCpu0 = process.cpuUsage();
  const floorRaw = await runSender(floorUrl, storm.bodies, senders, HOOK_SECRET);
  const floorCpu = cpuMs(process.cpuUsage(floorCpu0));
  await floorServer.close();
  const floor = { ...summary(floorRaw), cpuUsPerDelivery: round((floorCpu * 1000) / deliveries, 0) };
  log(`webhooks: floor ack p50 ${floor.p50} ms, p99 ${floor.p99} ms`);

  // ---- gateway -----------------------------------------------------------------------------
  await runSender(hookUrl, warmup, senders, HOOK_SECRET); // table entries: stored IGNORED, nothing to apply
  const [{ seq: seqBefore }] = await sql(
    "select coalesce(max(seq), 0) as seq from webhook_delivery where company_id = ?",
    [COMPANY],
  );
  const jobsBefore = await countApplyJobs(sql);
  const started = nowMs();
  const cpu0 = process.cpuUsage();
  let ackCpu = null;
  const senderDone = runSender(hookUrl, storm.bodies, senders, HOOK_SECRET);
  let sent = null;
  let senderError = null;
  void senderDone.then(
    (r) => ((sent = r), (ackCpu = cpuMs(process.cpuUsage(cpu0)))),
    (e) => (senderError = e),
  );
  const polls = [];
  const state = await within(
    (async () => {
      for (;;) {
        await sleep(250);
        if (senderError) throw senderError;
        const [row] = await sql(
          `select count(*) filter (where status = 'ACCEPTED') as pending, count(*) as total, max(applied_at) as last_applied
         from webhook_delivery where company_id = ? and seq > ?`,
          [COMPANY, seqBefore],
        );
        polls.push({ at: nowMs(), pending: Number(row.pending), total: Number(row.total) });
        // A resent body is acknowledged and counted on its first record, not stored again.
        if (sent && Number(row.pending) === 0 && Number(row.total) >= distinctBodies)
          return { lastApplied: row.last_applied, observedAt: nowMs() };
        if (sent && Number(row.total) < distinctBodies && (sent.statuses["202"] ?? 0) >= deliveries)
          throw new Error(
            `only ${row.total} deliveries stored for ${distinctBodies} distinct bodies, all acknowledged`,
          );
      }
    })(),
    600_000,
    "every delivery to be applied",
  );
  const gatewayRaw = await senderDone;
  const totalCpu = cpuMs(process.cpuUsage(cpu0));
  // CPU of this process (gateway, simulator, the polls): while the acks ran, and until all was applied.
  const ack = {
    ...summary(gatewayRaw),
    cpuUsPerDelivery: round((ackCpu * 1000) / deliveries, 0),
    cpuUsPerDeliveryUntilApplied: round((totalCpu * 1000) / deliveries, 0),
  };
  const firstSendAt = gatewayRaw.firstSendAt;
  const lastAppliedAt = state.lastApplied ? new Date(state.lastApplied).getTime() : NaN;
  log(
    `webhooks: gateway ack p50 ${ack.p50} ms, p99 ${ack.p99} ms; all applied ${round((lastAppliedAt - firstSendAt) / 1000, 2)} s after the first send`,
  );

  // ---- what the applying cost in Bob calls, and the least it could have -------------------------
  const calls = sim.requests.entries.filter((e) => e.credentialId === serviceUser.id && e.at >= firstSendAt);
  const count = (path) => calls.filter((e) => e.path === path).length;
  const bob = {
    calls: calls.length,
    searches: count("/v1/people/search"),
    fields: count("/v1/company/people/fields"),
    namedLists: count("/v1/company/named-lists"),
    rateLimited: calls.filter((e) => e.status === 429).length,
  };
  // Every employee a delivery names is fetched (a deleted one too: it is trusted only once Bob no
  // longer returns it); the mapping needs field metadata and named lists once.
  const fetchIds = new Set(storm.bodies.map((b) => JSON.parse(b).data.employeeId));
  const minSearches = Math.ceil(fetchIds.size / MAX_IDS_PER_SEARCH);
  const min = {
    searches: minSearches,
    calls: minSearches + 2,
    secondsAtRateLimit: Math.max(0, Math.ceil(minSearches / SEARCH_PER_MINUTE) - 1) * 60,
  };

  // ---- outcomes: stored statuses, jobs, and does the directory match Bob -----------------------
  const statusRows = await sql(
    "select status, count(*) as n from webhook_delivery where company_id = ? and seq > ? group by status",
    [COMPANY, seqBefore],
  );
  const stored = Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)]));
  const jobsAfter = await countApplyJobs(sql);
  const rows = await sql(
    "select bob_id, first_name, last_name, to_char(separation_date, 'YYYY-MM-DD') as separation from employee where company_id = ?",
    [COMPANY],
  );
  const directory = new Map(rows.map((r) => [r.bob_id, r]));
  let mismatches = 0;
  for (const id of storm.touched) {
    const inBob = sim.company.employee(id);
    const row = directory.get(id);
    if (!inBob) {
      if (row) mismatches++;
      continue;
    }
    const v = inBob.values;
    if (
      !row ||
      row.first_name !== v["root.firstName"] ||
      row.last_name !== v["root.surname"] ||
      (row.separation ?? null) !== (v["internal.terminationDate"] ?? null)
    )
      mismatches++;
  }

  return {
    deliveries,
    senders,
    distinctBodies,
    distinctEmployees: fetchIds.size,
    byType: storm.byType,
    directorySize: known.size,
    floor,
    ack,
    ratios: { p50: round(ack.p50 / floor.p50, 1), p99: round(ack.p99 / floor.p99, 1) },
    allAppliedMs: round(lastAppliedAt - firstSendAt, 0),
    observedAllAppliedMs: round(state.observedAt - started, 0),
    bob,
    minBob: min,
    callsVsMin: round(bob.calls / min.calls, 1),
    stored,
    applyJobs: jobsBefore === null || jobsAfter === null ? null : jobsAfter - jobsBefore,
    converged: { checked: storm.touched.size, mismatches },
    pendingCurve: thin(polls, firstSendAt),
  };
}

const cpuMs = (u) => (u.user + u.system) / 1000;

/** pg-boss jobs of the webhook-apply queue (created, any state); null when the table is not readable. */
async function countApplyJobs(sql) {
  try {
    const [row] = await sql("select count(*) as n from pgboss.job where name = 'webhook-apply'");
    return Number(row.n);
  } catch {
    return null;
  }
}

/** At most ~20 samples of (seconds since first send, pending, stored) for results.json. */
function thin(polls, t0) {
  const step = Math.max(1, Math.ceil(polls.length / 20));
  return polls
    .filter((_, i) => i % step === 0 || i === polls.length - 1)
    .map((p) => [round((p.at - t0) / 1000, 2), p.pending, p.total]);
}
