// npm run bench [-- --quick] [--db=postgres|pglite] [--sizes=1000,10000] [--cpu-prof] [--out=file.json] [--report=file.json]
// Runs every benchmark on PostgreSQL (a fresh bench_<random> database) and on PGlite (in memory),
// prints Markdown tables and writes bench/results.json. Every figure is measured in this run.
import "./lib/production-env.mjs";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { abuseReport, benchAbuse } from "./abuse.mjs";
import { benchFleet, fleetReport } from "./fleet.mjs";
import { benchFootprint, footprintReport } from "./footprint.mjs";
import { benchGraphql, graphqlReport } from "./graphql.mjs";
import {
  SEED,
  TODAY,
  cleanupAll,
  createDatabase,
  dist,
  distSimulator,
  onCleanup,
  postgresReachable,
  round,
  table,
} from "./lib/common.mjs";
import { connectCompany, newSecrets, settleStatistics, startInProcessGateway } from "./lib/gateway.mjs";
import { benchSubscriptions } from "./subscriptions.mjs";
import { benchSync } from "./sync.mjs";
import { benchWebhooks } from "./webhooks.mjs";

const args = process.argv.slice(2);
const flag = (name) =>
  args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))?.split("=")[1] ??
  (args.includes(`--${name}`) ? true : undefined);
const quick = Boolean(flag("quick"));
// --only=sync,graphql,subscriptions,webhooks,abuse,footprint runs a subset (default: all of them).
const only = flag("only") ? new Set(String(flag("only")).split(",")) : null;
// The fleet benchmark (minutes, thousands of companies) runs only when named: --only=fleet.
const wanted = (name) => (only === null ? name !== "fleet" : only.has(name));
const settings = {
  quick,
  sizes: flag("sizes") ? String(flag("sizes")).split(",").map(Number) : quick ? [1000] : [1000, 10_000, 50_000],
  apiEmployees: quick ? 1000 : 10_000, // directory behind the GraphQL and subscription benchmarks
  connections: 50,
  durationSeconds: quick ? 1 : 10, // --quick must end within 2 minutes on a slow hour of a 2-core machine, build included
  subscribers: 500,
  webhookDeliveries: 5000, // the same in --quick: the target is about a storm of this size
  webhookSenders: 32,
  cpuProfDir: flag("cpu-prof") ? new URL("./profiles/", import.meta.url).pathname : undefined,
};
const TARGETS = {
  initialVsFloor: 2,
  unchangedVsFetch: 1.3,
  onePercentVsFetch: 1.5,
  peakRssMb50kPostgres: 400,
  employeesP99Ms: 50,
  subscriptionLagP99Ms: 100,
  webhookAckP99Ms: 25,
};
// --report=bench/results.json prints the tables of an earlier run without running anything.
if (flag("report")) {
  printReport(JSON.parse(readFileSync(new URL(String(flag("report")), `file://${process.cwd()}/`), "utf8")));
  process.exit(0);
}

const { startBobSimulator } = await distSimulator("index.js");
const started = Date.now();
const log = (m) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);

async function inProcessBenchmarks(db) {
  const sim = await startBobSimulator({
    port: 0,
    seed: SEED,
    employees: settings.apiEmployees,
    today: TODAY,
    peopleSearchPerMinute: 1_000_000,
  });
  const closeSim = onCleanup(() => sim.close());
  const database = db === "postgres" ? await createDatabase() : null;
  let queries = 0;
  const secrets = newSecrets();
  const gw = await startInProcessGateway({
    database: database ? { kind: "postgres", url: database.url } : { kind: "pglite", dataDir: null },
    bobApiUrl: sim.baseUrl,
    secrets,
    onQuery: () => void queries++,
  });
  try {
    // Subscriptions first: the GraphQL load on fieldMappings spends the credential's Bob budget.
    let subscriptions = null;
    if (wanted("subscriptions")) {
      log(`${db}: subscriptions, ${settings.subscribers} subscribers on a sync of ${settings.apiEmployees}`);
      subscriptions = await benchSubscriptions({
        url: gw.url,
        gateway: gw.gateway,
        secrets,
        sim,
        subscribers: settings.subscribers,
      });
    }
    const co = await connectCompany({ url: gw.url, secrets, sim, companyId: "bench-api" });
    await co.syncAndTime();
    await co.closeProgress();
    await settleStatistics(gw.gateway);
    let graphql = [];
    if (wanted("graphql")) {
      log(`${db}: GraphQL load, ${settings.connections} connections x ${settings.durationSeconds} s per query`);
      graphql = await benchGraphql({
        url: gw.url,
        token: co.admin,
        queryCount: () => queries,
        connections: settings.connections,
        durationSeconds: settings.durationSeconds,
        gateway: gw.gateway,
        companyId: "bench-api",
      });
    }
    let webhooks = null;
    if (wanted("webhooks")) {
      log(
        `${db}: webhooks, ${settings.webhookDeliveries} signed deliveries from ${settings.webhookSenders} concurrent senders`,
      );
      webhooks = await benchWebhooks({
        url: gw.url,
        gateway: gw.gateway,
        secrets,
        sim,
        deliveries: settings.webhookDeliveries,
        senders: settings.webhookSenders,
        log: (m) => log(`${db}: ${m}`),
      }).catch((error) => {
        log(`${db}: webhooks FAILED: ${error.stack ?? error}`);
        return { failed: String(error?.message ?? error) };
      });
    }
    let abuse = null;
    if (wanted("abuse")) {
      log(
        `${db}: abuse, /healthz while 10 clients send the heaviest allowed query, ${settings.durationSeconds} s idle + ${settings.durationSeconds} s loaded`,
      );
      abuse = await benchAbuse({ url: gw.url, token: co.admin, durationSeconds: settings.durationSeconds });
      // Heavy queries the query thread answered, and those the main thread answered because it could not.
      abuse.queryThread = gw.gateway.queryThread ? { ...gw.gateway.queryThread.stats } : null;
    }
    return { subscriptions, graphql, webhooks, abuse };
  } finally {
    await gw.stop();
    await database?.drop();
    await closeSim();
  }
}

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: null,
    pglite: null,
  },
  settings,
  targets: TARGETS,
  sync: [],
  graphql: [],
  subscriptions: [],
  webhooks: [],
  abuse: [],
  footprint: [],
  fleet: [],
  errors: [],
};
let exitCode = 0;
try {
  results.machine.postgres = await postgresReachable();
  results.machine.pglite = JSON.parse(
    readFileSync(new URL("../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8"),
  ).version;
  const dbs = flag("db") ? [flag("db")] : ["postgres", "pglite"];
  if (wanted("footprint")) {
    try {
      const reachable = dbs.filter((db) => db !== "postgres" || results.machine.postgres);
      results.footprint = await benchFootprint({ dbs: reachable, sizes: settings.sizes, log });
    } catch (error) {
      log(`footprint FAILED: ${error.stack ?? error}`);
      results.errors.push({ db: dbs.join(","), bench: "footprint", error: String(error?.message ?? error) });
    }
  }
  if (wanted("fleet")) {
    if (!results.machine.postgres) log("PostgreSQL unreachable: the fleet benchmark needs it; skipped");
    else
      try {
        results.fleet = await benchFleet({
          replicaCounts: flag("replicas") ? String(flag("replicas")).split(",").map(Number) : [1, 3],
          companies: Number(flag("companies") ?? 2000),
          stormCount: Number(flag("storm-companies") ?? 500),
          stormRate: Number(flag("storm-rate") ?? 200),
          cpuProfDir: settings.cpuProfDir,
          log,
        });
      } catch (error) {
        log(`fleet FAILED: ${error.stack ?? error}`);
        results.errors.push({ db: "postgres", bench: "fleet", error: String(error?.message ?? error) });
      }
  }
  for (const db of wanted("fleet") && only?.size === 1 ? [] : dbs) {
    if (db === "postgres" && !results.machine.postgres) {
      log("PostgreSQL unreachable (set BENCH_PG_URL or DATABASE_URL): skipping it");
      continue;
    }
    for (const size of wanted("sync") ? settings.sizes : []) {
      log(`${db}: full sync of ${size} employees`);
      try {
        results.sync.push(await benchSync({ db, size, quick, cpuProfDir: settings.cpuProfDir }));
      } catch (error) {
        log(`${db}: sync ${size} FAILED: ${error.stack ?? error}`);
        results.errors.push({ db, bench: `sync ${size}`, error: String(error?.message ?? error) });
      }
    }
    if (!wanted("graphql") && !wanted("subscriptions") && !wanted("webhooks") && !wanted("abuse")) continue;
    try {
      const r = await inProcessBenchmarks(db);
      if (r.subscriptions) results.subscriptions.push({ db, ...r.subscriptions });
      for (const g of r.graphql) results.graphql.push({ db, ...g });
      if (r.webhooks?.failed) results.errors.push({ db, bench: "webhooks", error: r.webhooks.failed });
      else if (r.webhooks) results.webhooks.push({ db, ...r.webhooks });
      if (r.abuse) results.abuse.push({ db, ...r.abuse });
    } catch (error) {
      log(`${db}: in-process benchmarks FAILED: ${error.stack ?? error}`);
      results.errors.push({ db, bench: "graphql/subscriptions", error: String(error?.message ?? error) });
    }
  }
} finally {
  await cleanupAll();
}

printReport(results);
if (results.errors.length > 0) {
  exitCode = 1;
  console.log(`\nFAILED: ${results.errors.map((e) => `${e.db} ${e.bench}: ${e.error}`).join("; ")}`);
}
const out = flag("out")
  ? new URL(String(flag("out")), `file://${process.cwd()}/`)
  : new URL("./results.json", import.meta.url);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten ${out.pathname} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(exitCode);

// ---- report ---------------------------------------------------------------------------------
// Reads only what results.json holds, so --report=file prints the same tables from an earlier run.
function printReport(results) {
  const { settings, targets: TARGETS } = results;
  const quick = settings.quick;
  const s = (ms) => ms / 1000;
  const mark = (ok) => (ok ? "yes" : "NO");
  console.log(
    `\n## Bob integration gateway benchmarks (${quick ? "quick" : "full"} run, ${results.date.slice(0, 10)})`,
  );
  console.log(
    `${results.machine.cpus} cores (${results.machine.cpuModel}), ${results.machine.memoryGiB} GiB, Node ${results.machine.node}, PostgreSQL ${results.machine.postgres ?? "n/a"}, PGlite ${results.machine.pglite}\n`,
  );
  console.log(
    `### Initial full sync vs the floor (times in s; floor = fetch+parse + one bulk INSERT; sync = median of ${quick ? 1 : 3} into fresh companies, "first" = the process's first sync)\n`,
  );
  console.log(
    table(
      results.sync.map((r) => ({
        db: r.db,
        n: r.size,
        cold: s((r.initialCold ?? r.initial).wallMs),
        wall: s(r.initial.wallMs),
        queue: s(r.initial.queueMs),
        fetch: s(r.initial.fetchMs),
        plan: s(r.initial.planMs),
        apply: s(r.initial.applyMs),
        fp: s(r.floor.fetchParseMs),
        ins: s(r.floor.insertMs),
        floor: s(r.floor.totalMs),
        ratio: r.ratios.initialVsFloor,
        ok: mark(r.ratios.initialVsFloor <= TARGETS.initialVsFloor),
        rss: r.peakRssMb.afterInitial,
        rssResync: r.peakRssMb.overall,
        rssAll: r.peakRssMb.afterAllSyncs ?? "",
        live: r.peakRssMb.liveHeapAfterAllSyncs ?? "",
        rssOk:
          r.db === "postgres" && r.size >= 50_000 ? mark(r.peakRssMb.afterInitial <= TARGETS.peakRssMb50kPostgres) : "",
      })),
      [
        ["db", "db"],
        ["n", "employees"],
        ["cold", "first"],
        ["wall", "sync"],
        ["queue", "queued"],
        ["fetch", "fetch"],
        ["plan", "plan"],
        ["apply", "apply"],
        ["fp", "floor fetch+parse"],
        ["ins", "floor insert"],
        ["floor", "floor"],
        ["ratio", "sync/floor"],
        ["ok", "≤2×"],
        ["rss", "peak RSS MB"],
        ["rssOk", "≤400 MB"],
        ["rssResync", "with its resyncs"],
        ["rssAll", "after all syncs"],
        ["live", "live heap after"],
      ],
    ),
  );
  console.log(
    `\nMemory (MB): "peak RSS" is the gateway process's VmHWM over its first sync, the initial sync of a fresh process; "with its resyncs" adds the ${quick ? 2 : 6} resyncs that follow, "after all syncs" the ${quick ? 0 : 2} initial syncs into other companies. ` +
      'V8 collects one sync\'s garbage lazily, so RSS climbs over several syncs; "live heap after" is the heap left after a forced full GC once all are done, which a leak would grow.',
  );
  console.log(
    `\n### Resyncs vs fetch+parse (times in s; each a median of ${quick ? 1 : 3} after one uncounted warm-up resync; rows written: all unchanged resyncs together, the worst 1% one)\n`,
  );
  console.log(
    table(
      results.sync.map((r) => ({
        db: r.db,
        n: r.size,
        fp: s(r.floor.fetchParseMs),
        w: r.warmup ? s(r.warmup.wallMs) : "",
        u: s(r.unchanged.wallMs),
        uq: s(r.unchanged.queueMs),
        ur: r.ratios.unchangedVsFetch,
        uok: mark(r.ratios.unchangedVsFetch <= TARGETS.unchangedVsFetch),
        uw: r.rowsWritten.unchanged,
        c: s(r.onePercent.wallMs),
        cq: s(r.onePercent.queueMs),
        cr: r.ratios.onePercentVsFetch,
        cok: mark(r.ratios.onePercentVsFetch <= TARGETS.onePercentVsFetch),
        cw: `${r.rowsWritten.onePercent}/${r.rowsWritten.onePercentExpected}`,
      })),
      [
        ["db", "db"],
        ["n", "employees"],
        ["fp", "fetch+parse"],
        ["w", "warm-up"],
        ["u", "unchanged"],
        ["uq", "of it queued"],
        ["ur", "ratio"],
        ["uok", "≤1.3×"],
        ["uw", "rows written"],
        ["c", "1% changed"],
        ["cq", "of it queued"],
        ["cr", "ratio"],
        ["cok", "≤1.5×"],
        ["cw", "rows written"],
      ],
    ),
  );
  console.log(`\n${graphqlReport(results.graphql, { ...settings, employeesP99Ms: TARGETS.employeesP99Ms })}`);
  console.log(
    `\n### Subscriptions: one sync of ${settings.apiEmployees}, lag = receive time - ProgressBus.publish() call in the gateway (ms)\n`,
  );
  console.log(
    table(
      results.subscriptions.map((r) => ({
        db: r.db,
        subs: r.subscribers,
        ev: r.events,
        complete: `${r.complete}/${r.subscribers}`,
        p50: r.lagP50Ms,
        p99: r.lagP99Ms,
        max: r.lagMaxMs,
        ok: mark(r.complete === r.subscribers && r.lagP99Ms <= TARGETS.subscriptionLagP99Ms),
      })),
      [
        ["db", "db"],
        ["subs", "subscribers"],
        ["ev", "events"],
        ["complete", "got every event"],
        ["p50", "lag p50"],
        ["p99", "lag p99"],
        ["max", "lag max"],
        ["ok", "all + p99 ≤100"],
      ],
    ),
  );
  if (results.webhooks.length > 0) {
    const w0 = results.webhooks[0];
    console.log(
      `\n### Webhooks: ${w0.deliveries} signed v2 deliveries from ${w0.senders} concurrent senders (latency in ms; floor = node:http that checks the signature and answers 202)\n`,
    );
    console.log(
      table(
        results.webhooks.map((w) => ({
          db: w.db,
          p50: w.ack.p50,
          p99: w.ack.p99,
          ok: mark(w.ack.p99 <= TARGETS.webhookAckP99Ms),
          max: w.ack.max,
          rps: w.ack.acksPerSecond,
          bad: w.ack.non2xx,
          fp50: w.floor.p50,
          fp99: w.floor.p99,
          r99: w.ratios.p99,
          applied: s(w.allAppliedMs),
          cpu: `${w.ack.cpuUsPerDelivery} / ${w.floor.cpuUsPerDelivery}`,
          calls: `${w.bob.calls} (${w.bob.searches} searches)`,
          min: `${w.minBob.calls} (${w.minBob.searches} searches)`,
          vs: w.callsVsMin,
          r429: w.bob.rateLimited,
          conv:
            w.converged.mismatches === 0 && !w.stored.FAILED
              ? `yes (${w.converged.checked})`
              : `NO (${w.converged.mismatches} differ, ${w.stored.FAILED ?? 0} failed)`,
        })),
        [
          ["db", "db"],
          ["p50", "ack p50"],
          ["p99", "ack p99"],
          ["ok", "p99 ≤25"],
          ["max", "ack max"],
          ["rps", "acks/s"],
          ["bad", "non-2xx"],
          ["fp50", "floor p50"],
          ["fp99", "floor p99"],
          ["r99", "p99/floor"],
          ["cpu", "CPU µs/ack gw / floor"],
          ["applied", "all applied (s)"],
          ["calls", "Bob calls"],
          ["min", "least possible"],
          ["vs", "calls/least"],
          ["r429", "429s"],
          ["conv", "directory = Bob"],
        ],
      ),
    );
    for (const w of results.webhooks) {
      console.log(
        `${w.db}: ${w.distinctEmployees} distinct employees named (${Object.entries(w.byType)
          .map(([t, n]) => `${n} ${t}`)
          .join(", ")}); stored ${Object.entries(w.stored)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ")}; ` +
          `${w.applyJobs ?? "?"} webhook-apply jobs; least Bob calls take ${w.minBob.secondsAtRateLimit} s of waiting at ${50}/min people search`,
      );
    }
  } else {
    console.log("\nwebhooks: not run");
  }
  console.log(`\n${abuseReport(results.abuse ?? [], settings)}`);
  console.log(`\n${footprintReport(results.footprint)}`);
  if (results.fleet?.length > 0) console.log(fleetReport(results.fleet));
}
