// node bench/steady-resyncs.mjs [--db=postgres|pglite] [--size=1000] [--resyncs=8] [--processes=3]
// Resyncs with nothing changed on a warm gateway: for each process, one initial sync, then
// `resyncs` unchanged resyncs after the first (uncounted) one; prints the median, p25 and p75 of
// all counted wall times. For before/after comparisons of a run's fixed cost: build two checkouts
// and run this in each, alternately, in the same hour (npm run build first).
import { SEED, TODAY, cleanupAll, createDatabase, dist, distSimulator } from "./lib/common.mjs";
import { connectCompany, newSecrets, spawnGateway } from "./lib/gateway.mjs";

const args = process.argv.slice(2);
const flag = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const db = flag("db", "postgres");
const size = Number(flag("size", 1000));
const resyncs = Number(flag("resyncs", 8));
const processes = Number(flag("processes", 3));
const { startBobSimulator } = await distSimulator("index.js");

const walls = [];
try {
  for (let p = 0; p < processes; p++) {
    const sim = await startBobSimulator({
      port: 0,
      seed: SEED,
      employees: size,
      today: TODAY,
      peopleSearchPerMinute: 1_000_000,
    });
    const database = db === "postgres" ? await createDatabase() : null;
    const secrets = newSecrets();
    const gw = await spawnGateway({ databaseUrl: database?.url ?? "pglite://memory", bobApiUrl: sim.baseUrl, secrets });
    try {
      const co = await connectCompany({ url: gw.url, secrets, sim, companyId: "steady" });
      await co.syncAndTime();
      await co.syncAndTime(); // the process's first resync: not counted
      for (let i = 0; i < resyncs; i++) walls.push((await co.syncAndTime()).wallMs);
      await co.closeProgress();
    } finally {
      await gw.stop();
      await database?.drop();
      await sim.close();
    }
  }
} finally {
  await cleanupAll();
}
walls.sort((a, b) => a - b);
const at = (q) => walls[Math.min(walls.length - 1, Math.floor(q * walls.length))].toFixed(1);
console.log(
  `${db}, ${size} employees, ${walls.length} unchanged resyncs: median ${at(0.5)} ms (p25 ${at(0.25)}, p75 ${at(0.75)})`,
);
