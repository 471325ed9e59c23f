// Full sync through the real server (gateway as its own process) against the floor, plus the two
// resyncs: nothing changed, and 1% changed. Each figure is a median of 3 (1 with --quick).
import pg from "pg";
import { SEED, TODAY, createDatabase, dist, distSimulator, median, onCleanup, round } from "./lib/common.mjs";
import { bulkInsertMs, fetchAndParse, syncedFieldIds, toRows } from "./lib/floor.mjs";
import { connectCompany, gql, newSecrets, spawnGateway } from "./lib/gateway.mjs";

const { startBobSimulator } = await distSimulator("index.js");

export async function benchSync({ db, size, quick, cpuProfDir }) {
  const reps = quick ? 1 : 3;
  const sim = await startBobSimulator({
    port: 0,
    seed: SEED,
    employees: size,
    today: TODAY,
    peopleSearchPerMinute: 1_000_000,
  });
  const closeSim = onCleanup(() => sim.close());
  const database = db === "postgres" ? await createDatabase() : null;
  const secrets = newSecrets();
  const gw = await spawnGateway({
    databaseUrl: database?.url ?? "pglite://memory",
    bobApiUrl: sim.baseUrl,
    secrets,
    cpuProfDir,
    nodeArgs: ["--inspect=127.0.0.1:0"],
  });
  let sql = null;
  try {
    const co = await connectCompany({ url: gw.url, secrets, sim, companyId: "bench-co" });
    if (database) {
      sql = new pg.Client({ connectionString: database.url });
      await sql.connect();
    }
    // Rows the gateway wrote since `before` (the database's clock); PGlite lives inside the gateway
    // process, so there the run's own counts stand in for it.
    const written = async (before, run) =>
      sql
        ? (await sql.query("select count(*)::int as n from employee where updated_at > $1", [before])).rows[0].n
        : run.counts.created + run.counts.updated + run.counts.deleted;
    const dbNow = async () => (sql ? (await sql.query("select now() as t")).rows[0].t : null);

    const checkInitial = (run) => {
      if (run.counts.created + run.counts.skipped !== size)
        throw new Error(`initial sync created ${run.counts.created} (+${run.counts.skipped} skipped) of ${size}`);
      return run;
    };
    const initialCold = checkInitial(await co.syncAndTime());
    const peakAfterInitial = gw.peakRssMb();

    // Floor, same run, same simulator, same fields.
    const { fieldMappings } = await gql(gw.url, co.admin, "{ fieldMappings { bobFieldId status } }");
    const fields = syncedFieldIds(fieldMappings);
    const fetches = [];
    let people = null;
    for (let i = 0; i < reps; i++) ({ ms: fetches[i], people } = await fetchAndParse(sim, fields));
    const fetchParseMs = median(fetches);
    const rows = toRows(people, fields);
    people = null;
    const insertMs = await bulkInsertMs(db, database?.url, rows, reps);
    const floorMs = fetchParseMs + insertMs;

    // Resyncs, each a median of `reps`: nothing changed (every one must write nothing), then 1%
    // of the employees changed anew before each one. One unchanged resync first is not counted:
    // it is the process's first, run by code the JIT has not compiled yet (a gateway in service
    // has run many); it is reported as `warmup` and its rows written are counted with the others.
    let unchangedWritten = 0;
    const warmupBefore = await dbNow();
    const warmup = await co.syncAndTime();
    unchangedWritten += await written(warmupBefore, warmup);
    const unchangedRuns = [];
    for (let i = 0; i < reps; i++) {
      const before = await dbNow();
      const run = await co.syncAndTime();
      unchangedRuns.push(run);
      unchangedWritten += await written(before, run);
    }
    const unchanged = medianRun(unchangedRuns);

    const ids = sim.company
      .employees()
      .map((e) => e.id)
      .sort();
    const changed = ids.filter((_, i) => i % 100 === 0);
    const onePercentRuns = [];
    let onePercentWritten = null;
    for (let i = 0; i < reps; i++) {
      for (const id of changed) sim.company.updateEmployee(id, { "root.surname": `Changed${i}x${id.slice(-4)}` });
      const before = await dbNow();
      const run = await co.syncAndTime();
      if (run.counts.updated !== changed.length)
        throw new Error(`1% resync updated ${run.counts.updated}, expected ${changed.length}`);
      const rowsWritten = await written(before, run);
      // The worst repetition is the one reported.
      if (
        onePercentWritten === null ||
        Math.abs(rowsWritten - changed.length) > Math.abs(onePercentWritten - changed.length)
      )
        onePercentWritten = rowsWritten;
      onePercentRuns.push(run);
    }
    const onePercent = medianRun(onePercentRuns);

    await co.closeProgress();
    // Peak RSS of one company's syncs in a fresh process: the initial sync and both resyncs.
    const peakOneCompany = gw.peakRssMb();

    // The floor is a median of warm repetitions; so is the initial sync: the same directory
    // synced into fresh companies (an initial sync needs an empty one), the first, on a process
    // that had not run a sync before, included and also reported on its own.
    const initials = [initialCold];
    for (let i = 1; i < reps; i++) {
      const other = await connectCompany({ url: gw.url, secrets, sim, companyId: `bench-co-${i + 1}` });
      initials.push(checkInitial(await other.syncAndTime()));
      await other.closeProgress();
    }
    const initial = medianRun(initials);
    const liveHeapMb = await gw.liveHeapMb();
    return {
      db,
      size,
      fields: fields.length,
      initial,
      initialCold,
      warmup,
      unchanged,
      onePercent,
      floor: { fetchParseMs, insertMs, totalMs: floorMs },
      ratios: {
        initialVsFloor: initial.wallMs / floorMs,
        unchangedVsFetch: unchanged.wallMs / fetchParseMs,
        onePercentVsFetch: onePercent.wallMs / fetchParseMs,
      },
      rowsWritten: { unchanged: unchangedWritten, onePercent: onePercentWritten, onePercentExpected: changed.length },
      // afterAllSyncs: V8 collects the garbage of one sync lazily, so later syncs start on a larger heap.
      peakRssMb: {
        afterInitial: round(peakAfterInitial),
        overall: round(peakOneCompany),
        afterAllSyncs: round(gw.peakRssMb()),
        liveHeapAfterAllSyncs: liveHeapMb,
      },
    };
  } catch (error) {
    await new Promise((r) => setTimeout(r, 500));
    error.message += ` (gateway process ${gw.exitStatus() ? `exited ${JSON.stringify(gw.exitStatus())}` : "still running"}; its last output:\n${gw.output().slice(-2000)})`;
    throw error;
  } finally {
    await sql?.end().catch(() => undefined);
    await gw.stop();
    await database?.drop();
    await closeSim();
  }
}

/** The run whose wall time is the median (phases stay those of one real run). */
function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
