// The fleet: thousands of companies on 1 and on 3 gateway replicas sharing one PostgreSQL database,
// against a Bob simulator in its own process hosting every company behind its own credential
// (fleetMix: 2 × 20,000, 20 × 2,000, the rest 20-300). Every figure stands beside a floor
// measured in the same run:
//   (a) the fleet's initial syncs queued at once: total time vs the sum of every company's
//       fetch+parse+insert floor divided by the syncs running at once;
//   (b) small companies' manual syncs while the large ones resync: queue wait p50/p99;
//   (c) a webhook storm over 500 companies at a fixed rate: ack p99 vs a bare signature-checking
//       server, apply lag (received -> applied) p99, Bob's 429s, Bob calls vs the least possible;
//   (d) RSS of each replica after 100 companies and after all of them.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import {
  ROOT,
  SEED,
  TODAY,
  createDatabase,
  dist,
  distSimulator,
  freePort,
  median,
  nowMs,
  onCleanup,
  percentile,
  prng,
  round,
  sleep,
  table,
  within,
} from "./lib/common.mjs";
import { fetchAndParse, openFloorTable, syncedFieldIds, toRows } from "./lib/floor.mjs";
import { gql, newSecrets, spawnGateway } from "./lib/gateway.mjs";
import { runSenderJob } from "./lib/sender-job.mjs";
import { startWebhookFloor } from "./lib/webhook-floor.mjs";

const { bobSignature } = await distSimulator("index.js");
const { CallerTokens } = await dist("auth/caller-tokens.js");

const PACED_SENDER = fileURLToPath(new URL("./lib/paced-sender.mjs", import.meta.url));
export const FLEET_TARGETS = { smallQueueWaitP99Ms: 2000, ackVsFloor: 1.5, applyLagP99Ms: 3000, rssFlat: 1.1 };
/** Syncs a replica runs at once (the gateway's SYNC_CONCURRENCY default). */
const SYNC_CONCURRENCY = 2;
const LARGE = 2000;

/** Runs fn over items, at most n at a time. */
async function inPool(items, n, fn) {
  let next = 0;
  const results = new Array(items.length);
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

/** `node dist/simulator/main.js --fleet N` as its own process: its generation and memory are its own. */
async function startSimulatorProcess({ companies }) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      `${ROOT}dist/simulator/main.js`,
      "--fleet",
      String(companies),
      "--port",
      String(port),
      "--seed",
      String(SEED),
      "--today",
      TODAY,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = onCleanup(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  });
  await within(
    (async () => {
      while (!output.includes("listening")) {
        if (child.exitCode !== null) throw new Error(`simulator exited: ${output}`);
        await sleep(50);
      }
    })(),
    60_000,
    "the fleet simulator",
  );
  const origin = `http://127.0.0.1:${port}`;
  const control = async (path, init = {}) => {
    const res = await fetch(`${origin}/_control${path}`, {
      ...init,
      headers: { "content-type": "application/json" },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    if (res.status >= 300) throw new Error(`simulator ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  return { origin, baseUrl: `${origin}/v1`, control, stop };
}

function runPacedSender(items, ratePerSecond) {
  return runSenderJob(PACED_SENDER, { ratePerSecond, items });
}

/**
 * The first 100 companies hold the fleet's largest ones (both of 20,000 and four of 2,000) beside
 * small ones: a replica's memory at rest is set by the largest syncs it has run, so with those in
 * the first 100, (d) compares company counts, not company sizes.
 */
function orderForFootprint(companies) {
  const largest = companies.filter((c) => c.employees >= 20_000);
  const mid = companies.filter((c) => c.employees >= LARGE && c.employees < 20_000).slice(0, 4);
  const small = companies.filter((c) => c.employees < LARGE).slice(0, 100 - largest.length - mid.length);
  const first = new Set([...largest, ...mid, ...small]);
  return [...first, ...companies.filter((c) => !first.has(c))];
}

/**
 * One pass: fresh database, `replicas` gateways, every company connected and synced, then (b),
 * (c) and (d). `floors` (ms by company) is filled on the first pass and reused after.
 */
async function fleetPass({
  replicas,
  sim,
  companies,
  floors,
  secrets,
  tokens,
  log,
  stormCompanies,
  stormRate,
  cpuProfDir,
}) {
  const database = await createDatabase();
  const db = new pg.Client({ connectionString: database.url });
  const gateways = [];
  try {
    // The first replica migrates the fresh database; the others start on it once it is ready.
    // --inspect: (d) also reads each replica's live heap after a full collection, which tells
    // memory kept per company from garbage V8 has not collected yet.
    const spawn = (profile) =>
      spawnGateway({
        databaseUrl: database.url,
        bobApiUrl: sim.baseUrl,
        secrets,
        nodeArgs: ["--inspect=127.0.0.1:0"],
        ...(profile ? { cpuProfDir } : {}),
      });
    gateways.push(await spawn(true));
    gateways.push(...(await Promise.all(Array.from({ length: replicas - 1 }, () => spawn(false)))));
    await db.connect();
    const gwOf = (i) => gateways[i % gateways.length];

    // ---- connect every company (admins do this one by one; 8 at once here) ------------------
    const t0 = nowMs();
    await inPool(companies, 8, async (c, i) => {
      const url = gwOf(i).url;
      await gql(url, c.support, "mutation { enableIntegration { status } }");
      const su = c.credentials.serviceUser;
      const { connectIntegration } = await gql(
        url,
        c.admin,
        "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }",
        { i: { accessToken: su.token, serviceUserId: su.id } },
      );
      if (connectIntegration.status !== "CONNECTED") throw new Error(`${c.id} not connected`);
    });
    log(`fleet ${replicas}: ${companies.length} companies connected in ${round((nowMs() - t0) / 1000)} s`);

    // ---- floors, once: every company's fetch+parse and bulk insert, one after another ---------
    if (floors.size === 0) {
      const { fieldMappings } = await gql(gwOf(0).url, companies[0].admin, "{ fieldMappings { bobFieldId status } }");
      const fields = syncedFieldIds(fieldMappings);
      const floorTable = await openFloorTable(database.url);
      try {
        for (const c of companies) {
          const fetched = await fetchAndParse(
            { baseUrl: sim.baseUrl, credentials: { serviceUser: c.credentials.serviceUser } },
            fields,
          );
          const insertMs = await floorTable.insert(toRows(fetched.people, fields));
          floors.set(c.id, fetched.ms + insertMs);
        }
      } finally {
        await floorTable.close();
      }
      const sum = [...floors.values()].reduce((a, b) => a + b, 0);
      log(`fleet: floors of ${floors.size} companies measured, sum ${round(sum / 1000)} s`);
    }

    const request = async (c, i) => {
      const { synchronizeNow } = await gql(gwOf(i).url, c.admin, "mutation { synchronizeNow { id } }");
      return synchronizeNow.id;
    };
    const runsOf = async (ids) =>
      (
        await db.query(
          `select id, company_id, status, fetched, extract(epoch from queued_at) * 1000 as queued,
                  extract(epoch from started_at) * 1000 as started, extract(epoch from finished_at) * 1000 as finished
             from sync_run where id = any($1::uuid[])`,
          [ids],
        )
      ).rows.map((r) => ({ ...r, queued: Number(r.queued), started: Number(r.started), finished: Number(r.finished) }));
    const waitForRuns = (ids, what) =>
      within(
        (async () => {
          for (;;) {
            const { rows } = await db.query(
              "select count(*)::int as open from sync_run where id = any($1::uuid[]) and finished_at is null and status <> 'HELD'",
              [ids],
            );
            if (rows[0].open === 0) return;
            await sleep(250);
          }
        })(),
        30 * 60_000,
        what,
      );
    const rss = () => gateways.map((g) => round(g.rssMb(), 0));
    const liveHeap = () => Promise.all(gateways.map((g) => g.liveHeapMb()));

    // ---- (d) at 100: the first 100 companies synced -----------------------------------------
    const first = companies.slice(0, 100);
    const firstRuns = await inPool(first, 8, request);
    await waitForRuns(firstRuns, "the first 100 companies' syncs");
    await sleep(10_000);
    const rssAt100 = rss();
    const heapAt100 = await liveHeap();
    await sleep(2_000);
    const rssAt100AfterGc = rss(); // what the process keeps once V8 has collected and given back its garbage
    log(`fleet ${replicas}: after 100 companies RSS ${rssAt100.join(", ")} MB, live heap ${heapAt100.join(", ")} MB`);

    // ---- (a) the rest's initial syncs, queued at once ----------------------------------------
    const rest = companies.slice(100);
    const aStart = Date.now();
    const restRuns = await inPool(rest, 16, (c, i) => request(c, i));
    const requestedMs = Date.now() - aStart;
    await waitForRuns(restRuns, "the fleet's initial syncs");
    const aRuns = await runsOf(restRuns);
    const aTotalMs = Math.max(...aRuns.map((r) => r.finished)) - aStart;
    const floorSumMs = rest.reduce((a, c) => a + (floors.get(c.id) ?? 0), 0);
    const slots = replicas * SYNC_CONCURRENCY;
    const byStatus = {};
    for (const r of aRuns) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const a = {
      companies: rest.length,
      people: rest.reduce((s, c) => s + c.employees, 0),
      requestedS: round(requestedMs / 1000, 1),
      totalS: round(aTotalMs / 1000, 1),
      floorSumS: round(floorSumMs / 1000, 1),
      slots,
      floorS: round(floorSumMs / slots / 1000, 1),
      ratio: round(aTotalMs / (floorSumMs / slots), 2),
      byStatus,
    };
    log(`fleet ${replicas}: (a) ${a.companies} initial syncs in ${a.totalS} s; floor ${a.floorS} s (${a.ratio}×)`);

    // ---- (d) at all of them ------------------------------------------------------------------
    await sleep(10_000);
    const rssAtAll = rss();
    const heapAtAll = await liveHeap();
    await sleep(2_000);
    const rssAtAllAfterGc = rss();
    log(
      `fleet ${replicas}: after ${companies.length} companies RSS ${rssAtAll.join(", ")} MB, live heap ${heapAtAll.join(", ")} MB`,
    );

    // ---- (b) small companies' manual syncs while the large ones resync ----------------------
    const large = companies.filter((c) => c.employees >= LARGE);
    const stormSet = new Set(stormCompanies(companies).map((c) => c.id));
    const smalls = companies.filter((c) => c.employees < LARGE && !stormSet.has(c.id));
    const bEnd = Date.now() + 20_000;
    const largeRuns = new Set();
    const keepLargeBusy = (async () => {
      while (Date.now() < bEnd) {
        for (const id of await inPool(large, 8, request)) largeRuns.add(id);
        await sleep(250);
      }
    })();
    await sleep(1_000); // the large resyncs are queued and running
    const smallRuns = [];
    for (let i = 0; Date.now() < bEnd && i < smalls.length; i++) {
      smallRuns.push(await request(smalls[i], i));
      await sleep(400);
    }
    await keepLargeBusy;
    await waitForRuns([...smallRuns, ...largeRuns], "(b)'s syncs");
    const waits = (await runsOf(smallRuns)).map((r) => r.started - r.queued);
    const b = {
      smallSyncs: smallRuns.length,
      largeResyncs: largeRuns.size,
      waitP50Ms: round(median(waits), 0),
      waitP99Ms: round(percentile(waits, 99), 0),
      waitMaxMs: round(Math.max(...waits), 0),
    };
    log(`fleet ${replicas}: (b) small syncs' queue wait p50 ${b.waitP50Ms} ms, p99 ${b.waitP99Ms} ms`);

    // ---- (c) the webhook storm ---------------------------------------------------------------
    const c = await webhookStorm({
      gateways,
      sim,
      db,
      companies: stormCompanies(companies),
      rate: stormRate,
      log: (m) => log(`fleet ${replicas}: ${m}`),
    });

    return {
      replicas,
      companies: companies.length,
      people: companies.reduce((s, x) => s + x.employees, 0),
      a,
      b,
      c,
      d: {
        rssAt100,
        rssAtAll,
        ratios: rssAtAll.map((x, i) => round(x / rssAt100[i], 2)),
        heapAt100,
        heapAtAll,
        rssAt100AfterGc,
        rssAtAllAfterGc,
      },
    };
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
    await db.end().catch(() => undefined);
    await database.drop();
  }
}

/** (c): Bob changes people of 500 companies and tells each company's webhook URL, `rate` deliveries a second for 30 s. */
async function webhookStorm({ gateways, sim, db, companies, rate, log }) {
  const deliveries = rate * 30;
  const secretsByKey = new Map();
  const hooks = await inPool(companies, 8, async (c, i) => {
    const secret = `fleet-hook-secret-${c.bobId}-${SEED}`;
    const { setHookSecret } = await gql(
      gateways[i % gateways.length].url,
      c.admin,
      "mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl realTimeUpdates } }",
      { s: secret },
    );
    if (!setHookSecret.realTimeUpdates) throw new Error(`${c.id}: real-time updates are not on`);
    const key = setHookSecret.webhookUrl.split("/").at(-1);
    secretsByKey.set(key, secret);
    return { company: c, secret, key };
  });
  const { rows } = await db.query("select company_id, bob_id from employee where company_id = any($1)", [
    companies.map((c) => c.id),
  ]);
  const people = new Map();
  for (const r of rows) people.set(r.company_id, [...(people.get(r.company_id) ?? []), r.bob_id]);

  // Bob changes first, then tells: every delivery names a real change of a known employee.
  const rng = prng(SEED ^ 0xf1ee7);
  const planned = Array.from({ length: deliveries }, (_, i) => {
    const hook = hooks[Math.floor(rng() * hooks.length)];
    const ids = people.get(hook.company.id);
    return { hook, employeeId: ids[Math.floor(rng() * ids.length)], surname: `Storm${i}` };
  });
  await inPool(planned, 16, (p) =>
    sim.control(`/companies/${p.hook.company.bobId}/employees/${p.employeeId}`, {
      method: "PATCH",
      body: { values: { "root.surname": p.surname } },
    }),
  );
  const bodies = planned.map((p, i) =>
    JSON.stringify({
      companyId: p.hook.company.bobId,
      type: "employee.updated",
      triggeredBy: "3332883804594373380",
      triggeredAt: `${TODAY}T10:${String(Math.floor(i / 60000) % 60).padStart(2, "0")}:${String(Math.floor(i / 1000) % 60).padStart(2, "0")}.${String(i % 1000).padStart(3, "0")}001`,
      version: "v2",
      data: { employeeId: p.employeeId, fieldUpdates: [{ fieldId: "root.surname" }] },
    }),
  );
  const items = (base) =>
    planned.map((p, i) => ({
      url: `${base(i)}/webhooks/bob/${p.hook.key}`,
      body: bodies[i],
      signature: bobSignature(p.hook.secret, bodies[i]),
    }));

  const floorServer = await startWebhookFloor((url) => secretsByKey.get(url.split("/").at(-1)));
  const floor = await runPacedSender(
    items(() => floorServer.origin),
    rate,
  );
  await floorServer.close();
  log(`(c) floor ack p99 ${round(floor.p99, 2)} ms`);

  const [{ seq }] = (await db.query("select coalesce(max(seq), 0) as seq from webhook_delivery")).rows;
  const since = Date.now();
  const sent = await runPacedSender(
    items((i) => gateways[i % gateways.length].url),
    rate,
  );
  const settled = await within(
    (async () => {
      for (;;) {
        const {
          rows: [row],
        } = await db.query(
          `select count(*)::int as total, count(*) filter (where status = 'ACCEPTED')::int as pending
             from webhook_delivery where seq > $1`,
          [seq],
        );
        if (row.pending === 0 && row.total >= (sent.statuses["202"] ?? 0)) return row;
        await sleep(250);
      }
    })(),
    10 * 60_000,
    "the storm's deliveries applied",
  );
  const lagRows = (
    await db.query(
      `select status, extract(epoch from (applied_at - received_at)) * 1000 as lag
         from webhook_delivery where seq > $1`,
      [seq],
    )
  ).rows;
  const lags = lagRows.filter((r) => r.lag !== null).map((r) => Number(r.lag));
  const statuses = {};
  for (const r of lagRows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const calls = await sim.control(`/requests/count?since=${since}`);
  const tooMany = await sim.control(`/requests/count?since=${since}&status=429`);
  const c = {
    companies: companies.length,
    deliveries,
    rate,
    stored: settled.total,
    statuses,
    floorAckP99Ms: round(floor.p99, 2),
    ackP50Ms: round(sent.p50, 2),
    ackP99Ms: round(sent.p99, 2),
    ackVsFloor: round(sent.p99 / floor.p99, 2),
    senderMaxLateMs: round(Math.max(sent.maxLateMs, floor.maxLateMs), 1),
    non2xx: Object.entries(sent.statuses)
      .filter(([s]) => !(Number(s) >= 200 && Number(s) < 300))
      .reduce((n, [, k]) => n + k, 0),
    applyLagP50Ms: round(median(lags), 0),
    applyLagP99Ms: round(percentile(lags, 99), 0),
    bob429: tooMany.count,
    bobCalls: calls.count,
    bobCallsByPath: calls.byPath,
    leastBobCalls: leastSearches(planned, rate),
  };
  log(`(c) ack p99 ${c.ackP99Ms} ms (${c.ackVsFloor}× floor), apply lag p99 ${c.applyLagP99Ms} ms, 429s ${c.bob429}`);
  return c;
}

/**
 * The fewest people searches that apply every delivery within the apply-lag goal: per company,
 * one search per window of that length starting at the first delivery not yet covered (the
 * field metadata and named lists are counted apart, in bobCallsByPath).
 */
function leastSearches(planned, rate) {
  const times = new Map();
  planned.forEach((p, i) => times.set(p.hook.company.id, [...(times.get(p.hook.company.id) ?? []), (i * 1000) / rate]));
  let searches = 0;
  for (const ts of times.values()) {
    let windowEnd = -Infinity;
    for (const t of ts)
      if (t >= windowEnd) {
        searches++;
        windowEnd = t + FLEET_TARGETS.applyLagP99Ms;
      }
  }
  return searches;
}

/**
 * npm run bench -- --only=fleet [--replicas=1,3] [--companies=2000] [--storm-companies=500]
 * [--storm-rate=200]. PostgreSQL only: several replicas share one database.
 */
export async function benchFleet({
  replicaCounts = [1, 3],
  companies = 2000,
  stormCount = 500,
  stormRate = 200,
  cpuProfDir,
  log,
}) {
  const sim = await startSimulatorProcess({ companies });
  const secrets = newSecrets();
  const tokens = new CallerTokens(secrets.jwtSecret);
  try {
    const listed = (await sim.control("/companies")).slice(1); // [0] is the simulator's default company
    const fleet = orderForFootprint(
      await Promise.all(
        listed.map(async (x) => {
          const id = `fleet-${x.companyId}`;
          return {
            id,
            bobId: x.companyId,
            employees: x.employees,
            credentials: x.credentials,
            admin: await tokens.mint({ subject: "bench", companyId: id, role: "ADMIN" }),
            support: await tokens.mint({ subject: "bench", companyId: id, role: "SUPPORT" }),
          };
        }),
      ),
    );
    log(`fleet: ${fleet.length} companies, ${fleet.reduce((s, c) => s + c.employees, 0)} people`);
    // The storm's companies: small ones (most of a real fleet), the same in every pass.
    const stormCompanies = (all) => all.filter((c) => c.employees < LARGE).slice(-stormCount);
    const floors = new Map();
    const passes = [];
    for (const replicas of replicaCounts) {
      passes.push(
        await fleetPass({
          replicas,
          sim,
          companies: fleet,
          floors,
          secrets,
          tokens,
          log,
          stormCompanies,
          stormRate,
          cpuProfDir,
        }),
      );
    }
    return passes;
  } finally {
    await sim.stop();
  }
}

export function fleetReport(passes) {
  const T = FLEET_TARGETS;
  const mark = (ok) => (ok ? "yes" : "NO");
  const lines = [];
  lines.push(
    "\n### Fleet (PostgreSQL; a Bob simulator process hosting every company; each figure beside its floor of the same run)\n",
  );
  lines.push(
    table(
      passes.map((p) => ({
        r: p.replicas,
        n: p.a.companies,
        people: p.a.people,
        total: p.a.totalS,
        fsum: p.a.floorSumS,
        slots: p.a.slots,
        floor: p.a.floorS,
        ratio: p.a.ratio,
        st: JSON.stringify(p.a.byStatus),
      })),
      [
        ["r", "replicas"],
        ["n", "(a) companies"],
        ["people", "people"],
        ["total", "all synced, s"],
        ["fsum", "sum of floors, s"],
        ["slots", "syncs at once"],
        ["floor", "floor ÷ slots, s"],
        ["ratio", "ratio"],
        ["st", "runs"],
      ],
    ),
  );
  lines.push("");
  lines.push(
    table(
      passes.map((p) => ({
        r: p.replicas,
        n: p.b.smallSyncs,
        l: p.b.largeResyncs,
        p50: p.b.waitP50Ms,
        p99: p.b.waitP99Ms,
        ok: mark(p.b.waitP99Ms <= T.smallQueueWaitP99Ms),
      })),
      [
        ["r", "replicas"],
        ["n", "(b) small syncs"],
        ["l", "large resyncs meanwhile"],
        ["p50", "queue wait p50 ms"],
        ["p99", "p99 ms"],
        ["ok", "≤2 s"],
      ],
    ),
  );
  lines.push("");
  lines.push(
    table(
      passes.map((p) => ({
        r: p.replicas,
        d: `${p.c.deliveries} / ${p.c.companies}`,
        f: p.c.floorAckP99Ms,
        a: p.c.ackP99Ms,
        ratio: p.c.ackVsFloor,
        ok: mark(p.c.ackVsFloor <= T.ackVsFloor),
        lag: p.c.applyLagP99Ms,
        lok: mark(p.c.applyLagP99Ms <= T.applyLagP99Ms),
        e429: p.c.bob429,
        calls: `${p.c.bobCalls} / ${p.c.leastBobCalls}`,
        st: JSON.stringify(p.c.statuses),
      })),
      [
        ["r", "replicas"],
        ["d", "(c) deliveries / companies"],
        ["f", "floor ack p99 ms"],
        ["a", "ack p99 ms"],
        ["ratio", "÷ floor"],
        ["ok", "≤1.5×"],
        ["lag", "apply lag p99 ms"],
        ["lok", "≤3 s"],
        ["e429", "Bob 429s"],
        ["calls", "Bob calls / least searches"],
        ["st", "deliveries"],
      ],
    ),
  );
  lines.push("");
  lines.push(
    table(
      passes.map((p) => ({
        r: p.replicas,
        at100: p.d.rssAt100.join(", "),
        atAll: p.d.rssAtAll.join(", "),
        ratio: p.d.ratios.join(", "),
        ok: mark(p.d.ratios.every((x) => x <= T.rssFlat)),
        heap: `${p.d.heapAt100.join(", ")} → ${p.d.heapAtAll.join(", ")}`,
        gc: p.d.rssAt100AfterGc ? `${p.d.rssAt100AfterGc.join(", ")} → ${p.d.rssAtAllAfterGc.join(", ")}` : "",
      })),
      [
        ["r", "replicas"],
        ["at100", "(d) RSS MB at 100 companies"],
        ["atAll", "at all"],
        ["ratio", "ratio"],
        ["ok", "≤1.1×"],
        ["heap", "live heap MB, 100 → all"],
        ["gc", "RSS after a full GC, 100 → all"],
      ],
    ),
  );
  return lines.join("\n");
}
