// npm run bench [-- --quick] [--db=postgres|pglite] [--sizes=1000,10000] [--cpu-prof] [--out=file.json]
// Runs every benchmark on PostgreSQL (a fresh bench_<random> database) and on PGlite (in memory),
// prints Markdown tables and writes bench/results.json. Every figure is measured in this run.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { benchGraphql } from "./graphql.mjs";
import { SEED, TODAY, cleanupAll, createDatabase, dist, onCleanup, postgresReachable, round, table } from "./lib/common.mjs";
import { connectCompany, newSecrets, startInProcessGateway } from "./lib/gateway.mjs";
import { benchSubscriptions } from "./subscriptions.mjs";
import { benchSync } from "./sync.mjs";
import { benchWebhooks } from "./webhooks.mjs";

const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))?.split("=")[1] ?? (args.includes(`--${name}`) ? true : undefined);
const quick = Boolean(flag("quick"));
const settings = {
  quick,
  sizes: flag("sizes") ? String(flag("sizes")).split(",").map(Number) : quick ? [1000] : [1000, 10_000, 50_000],
  apiEmployees: quick ? 1000 : 10_000, // directory behind the GraphQL and subscription benchmarks
  connections: 50,
  durationSeconds: quick ? 3 : 10,
  subscribers: 500,
  cpuProfDir: flag("cpu-prof") ? new URL("./profiles/", import.meta.url).pathname : undefined,
};
const TARGETS = { initialVsFloor: 2, unchangedVsFetch: 1.3, onePercentVsFetch: 1.5, peakRssMb50kPostgres: 400, employeesP99Ms: 50, subscriptionLagP99Ms: 100 };

const { startBobSimulator } = await dist("bob-simulator/index.js");
const started = Date.now();
const log = (m) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);

async function inProcessBenchmarks(db) {
  const sim = await startBobSimulator({ port: 0, seed: SEED, employees: settings.apiEmployees, today: TODAY, peopleSearchPerMinute: 1_000_000 });
  const closeSim = onCleanup(() => sim.close());
  const database = db === "postgres" ? await createDatabase() : null;
  let queries = 0;
  const secrets = newSecrets();
  const gw = await startInProcessGateway({
    database: database ? { kind: "postgres", url: database.url } : { kind: "pglite", dataDir: null },
    bobApiUrl: sim.baseUrl, secrets, onQuery: () => void queries++,
  });
  try {
    // Subscriptions first: the GraphQL load on fieldMappings spends the credential's Bob budget.
    log(`${db}: subscriptions, ${settings.subscribers} subscribers on a sync of ${settings.apiEmployees}`);
    const subscriptions = await benchSubscriptions({ url: gw.url, gateway: gw.gateway, secrets, sim, subscribers: settings.subscribers });
    const co = await connectCompany({ url: gw.url, secrets, sim, companyId: "bench-api" });
    await co.syncAndTime();
    await co.closeProgress();
    log(`${db}: GraphQL load, ${settings.connections} connections x ${settings.durationSeconds} s per query`);
    const graphql = await benchGraphql({ url: gw.url, token: co.admin, queryCount: () => queries, connections: settings.connections, durationSeconds: settings.durationSeconds });
    const webhooks = await benchWebhooks({ url: gw.url, token: co.admin });
    return { subscriptions, graphql, webhooks };
  } finally {
    await gw.stop();
    await database?.drop();
    await closeSim();
  }
}

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30), node: process.version, postgres: null, pglite: null },
  settings, targets: TARGETS, sync: [], graphql: [], subscriptions: [], webhooks: null, errors: [],
};
let exitCode = 0;
try {
  results.machine.postgres = await postgresReachable();
  results.machine.pglite = JSON.parse(readFileSync(new URL("../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8")).version;
  const dbs = flag("db") ? [flag("db")] : ["postgres", "pglite"];
  for (const db of dbs) {
    if (db === "postgres" && !results.machine.postgres) {
      log("PostgreSQL unreachable (set BENCH_PG_URL or DATABASE_URL): skipping it");
      continue;
    }
    for (const size of settings.sizes) {
      log(`${db}: full sync of ${size} employees`);
      try {
        results.sync.push(await benchSync({ db, size, quick, cpuProfDir: settings.cpuProfDir }));
      } catch (error) {
        log(`${db}: sync ${size} FAILED: ${error.stack ?? error}`);
        results.errors.push({ db, bench: `sync ${size}`, error: String(error?.message ?? error) });
      }
    }
    try {
      const r = await inProcessBenchmarks(db);
      results.subscriptions.push({ db, ...r.subscriptions });
      for (const g of r.graphql) results.graphql.push({ db, ...g });
      results.webhooks = r.webhooks;
    } catch (error) {
      log(`${db}: in-process benchmarks FAILED: ${error.stack ?? error}`);
      results.errors.push({ db, bench: "graphql/subscriptions", error: String(error?.message ?? error) });
    }
  }
} finally {
  await cleanupAll();
}

// ---- report ---------------------------------------------------------------------------------
const s = (ms) => ms / 1000;
const mark = (ok) => (ok ? "yes" : "NO");
console.log(`\n## Bob integration gateway benchmarks (${quick ? "quick" : "full"} run, ${results.date.slice(0, 10)})`);
console.log(`${results.machine.cpus} cores (${results.machine.cpuModel}), ${results.machine.memoryGiB} GiB, Node ${results.machine.node}, PostgreSQL ${results.machine.postgres ?? "n/a"}, PGlite ${results.machine.pglite}\n`);
console.log("### Initial full sync vs the floor (times in s; floor = fetch+parse + one bulk INSERT)\n");
console.log(table(results.sync.map((r) => ({
  db: r.db, n: r.size, wall: s(r.initial.wallMs), queue: s(r.initial.queueMs), fetch: s(r.initial.fetchMs), plan: s(r.initial.planMs), apply: s(r.initial.applyMs),
  fp: s(r.floor.fetchParseMs), ins: s(r.floor.insertMs), floor: s(r.floor.totalMs), ratio: r.ratios.initialVsFloor, ok: mark(r.ratios.initialVsFloor <= TARGETS.initialVsFloor),
  rss: r.peakRssMb.overall, rssOk: r.db === "postgres" && r.size >= 50_000 ? mark(r.peakRssMb.overall <= TARGETS.peakRssMb50kPostgres) : "",
})), [["db", "db"], ["n", "employees"], ["wall", "sync"], ["queue", "queued"], ["fetch", "fetch"], ["plan", "plan"], ["apply", "apply"], ["fp", "floor fetch+parse"], ["ins", "floor insert"], ["floor", "floor"], ["ratio", "sync/floor"], ["ok", "≤2×"], ["rss", "peak RSS MB"], ["rssOk", "≤400 MB"]]));
console.log("\n### Resyncs vs fetch+parse (times in s)\n");
console.log(table(results.sync.map((r) => ({
  db: r.db, n: r.size, fp: s(r.floor.fetchParseMs),
  u: s(r.unchanged.wallMs), uq: s(r.unchanged.queueMs), ur: r.ratios.unchangedVsFetch, uok: mark(r.ratios.unchangedVsFetch <= TARGETS.unchangedVsFetch), uw: r.rowsWritten.unchanged,
  c: s(r.onePercent.wallMs), cq: s(r.onePercent.queueMs), cr: r.ratios.onePercentVsFetch, cok: mark(r.ratios.onePercentVsFetch <= TARGETS.onePercentVsFetch), cw: `${r.rowsWritten.onePercent}/${r.rowsWritten.onePercentExpected}`,
})), [["db", "db"], ["n", "employees"], ["fp", "fetch+parse"], ["u", "unchanged"], ["uq", "of it queued"], ["ur", "ratio"], ["uok", "≤1.3×"], ["uw", "rows written"], ["c", "1% changed"], ["cq", "of it queued"], ["cr", "ratio"], ["cok", "≤1.5×"], ["cw", "rows written"]]));
console.log(`\n### GraphQL, ${settings.connections} connections x ${settings.durationSeconds} s, directory of ${settings.apiEmployees} (latency in ms)\n`);
console.log(table(results.graphql.map((g) => ({
  db: g.db, q: g.name, p50: g.load?.p50, p99: g.load?.p99, rps: g.load?.rps, req: g.load?.requests, bad: g.load ? g.load.non2xx + g.load.errors + g.load.timeouts : "",
  sql: g.queriesPerRequest, sqlLoad: g.load?.queriesPerRequest, ok: g.name.startsWith("employees(first: 100)") ? mark(g.load?.p99 <= TARGETS.employeesP99Ms) : "",
})), [["db", "db"], ["q", "query"], ["p50", "p50"], ["p99", "p99"], ["ok", "p99 ≤50"], ["rps", "req/s"], ["req", "requests"], ["bad", "errors"], ["sql", "SQL/request"], ["sqlLoad", "SQL/request under load (incl. background)"]]));
for (const db of new Set(results.graphql.map((g) => g.db))) {
  const per = (n) => results.graphql.find((g) => g.db === db && g.name === `employees(first: ${n})`)?.queriesPerRequest;
  console.log(`${db}: SQL statements per employees request, first 5 vs first 100: ${per(5)} vs ${per(100)} -> ${per(5) === per(100) ? "equal" : "NOT EQUAL"}`);
}
console.log(`\n### Subscriptions: one sync of ${settings.apiEmployees}, lag = receive time - ProgressBus.publish() call in the gateway (ms)\n`);
console.log(table(results.subscriptions.map((r) => ({
  db: r.db, subs: r.subscribers, ev: r.events, complete: `${r.complete}/${r.subscribers}`, p50: r.lagP50Ms, p99: r.lagP99Ms, max: r.lagMaxMs,
  ok: mark(r.complete === r.subscribers && r.lagP99Ms <= TARGETS.subscriptionLagP99Ms),
})), [["db", "db"], ["subs", "subscribers"], ["ev", "events"], ["complete", "got every event"], ["p50", "lag p50"], ["p99", "lag p99"], ["max", "lag max"], ["ok", "all + p99 ≤100"]]));
console.log(`\n${results.webhooks?.skipped ?? "webhooks: not run"}`);
if (results.errors.length > 0) {
  exitCode = 1;
  console.log(`\nFAILED: ${results.errors.map((e) => `${e.db} ${e.bench}: ${e.error}`).join("; ")}`);
}
const out = flag("out") ? new URL(String(flag("out")), `file://${process.cwd()}/`) : new URL("./results.json", import.meta.url);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten ${out.pathname} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(exitCode);
