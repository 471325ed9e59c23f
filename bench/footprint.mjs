// Memory of a gateway process (issue 27): resident set after start and 10 s idle, and after one
// initial sync, split by where it goes. Each figure comes from its own fresh process, next to
// floors measured in the same run: a bare `node` with the gateway's imports, PGlite alone, and
// the same gateway on PostgreSQL.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ROOT,
  SEED,
  TODAY,
  createDatabase,
  distSimulator,
  onCleanup,
  round,
  sleep,
  table,
  within,
} from "./lib/common.mjs";
import { connectCompany, newSecrets, spawnGateway } from "./lib/gateway.mjs";

const { startBobSimulator } = await distSimulator("index.js");
const PROBE = new URL("./lib/footprint-probe.mjs", import.meta.url).href;
const IDLE_MS = 10_000;
const MB = 1024 * 1024;

/**
 * The environment and node options `npm start` runs the gateway with (package.json, e.g.
 * `MALLOC_MMAP_THRESHOLD_=32768 node --max-semi-space-size=2 dist/src/main.js`): every process
 * measured here gets them, so the rows are what `npm start` costs.
 */
export function startSettings() {
  const start = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start;
  const m = /^((?:\w+=\S+\s+)*)node\s+((?:--\S+\s+)*)dist\/src\/main\.js$/.exec(start.trim());
  if (!m) throw new Error(`footprint: cannot read the npm start script: ${start}`);
  const env = Object.fromEntries(
    m[1]
      .split(/\s+/)
      .filter(Boolean)
      .map((kv) => kv.split("=")),
  );
  return { env, nodeArgs: m[2].split(/\s+/).filter(Boolean) };
}
const START = startSettings();

/**
 * Resident memory of a process by kind, from /proc/<pid>/smaps: WebAssembly memories (V8 reserves
 * each as one contiguous anonymous region of several GiB, of which the grown part is read-write),
 * executable anonymous memory (JIT code: JavaScript and WebAssembly), file-backed mappings (the
 * node binary and its libraries), and the remaining anonymous memory (V8 heap, malloc, stacks).
 */
export function residentSplit(pid) {
  const vmas = [];
  let current = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      current = { start: BigInt(`0x${header[1]}`), end: BigInt(`0x${header[2]}`), perms: header[3], path: header[4] };
      current.rssKb = 0;
      vmas.push(current);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && current) current.rssKb = Number(rss[1]);
  }
  const anonymous = (v) => v.path === "" || v.path.startsWith("[anon");
  // Contiguous anonymous mappings form one reservation; WebAssembly memories are those of ≥ 4 GiB.
  const wasm = new Set();
  for (let i = 0; i < vmas.length;) {
    let j = i;
    if (anonymous(vmas[i]))
      while (j + 1 < vmas.length && anonymous(vmas[j + 1]) && vmas[j + 1].start === vmas[j].end) j++;
    if (anonymous(vmas[i]) && vmas[j].end - vmas[i].start >= 4n << 30n) for (let k = i; k <= j; k++) wasm.add(k);
    i = j + 1;
  }
  const split = { wasmMemory: 0, jitCode: 0, files: 0, otherAnon: 0 };
  vmas.forEach((v, i) => {
    const mb = v.rssKb / 1024;
    if (wasm.has(i)) split.wasmMemory += mb;
    else if (!anonymous(v) && !v.path.startsWith("[")) split.files += mb;
    else if (v.perms.includes("x")) split.jitCode += mb;
    else split.otherAnon += mb;
  });
  return split;
}
function status(pid) {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) / 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM"), anon: kb("RssAnon"), file: kb("RssFile") };
}

/** What the probe in the process reports (SIGUSR2 -> a JSON file). */
async function probe(pid, file) {
  const before = statSafe(file);
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 100 && statSafe(file) === before; i++) await sleep(20);
  return JSON.parse(readFileSync(file, "utf8"));
}
const statSafe = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
};

function snapshot(pid, report) {
  const s = status(pid);
  const split = residentSplit(pid);
  return {
    rssMb: round(s.rss),
    peakMb: round(s.hwm),
    anonMb: round(s.anon),
    fileMb: round(s.file),
    wasmResidentMb: round(split.wasmMemory),
    jitCodeMb: round(split.jitCode),
    otherAnonMb: round(split.otherAnon),
    heapUsedMb: round(report.heapUsed / MB),
    heapTotalMb: round(report.heapTotal / MB),
    externalMb: round(report.external / MB),
    arrayBuffersMb: round(report.arrayBuffers / MB),
    jsCodeMb: round(report.jsCode / MB),
    wasmMemories: report.wasmMemories,
    wasmCommittedMb: round(report.wasmBytes / MB),
  };
}

/** A bare `node` running `source` (an ES module body) with the probe; resolves once it prints "ready". */
async function spawnFloor(source, reportFile) {
  const child = spawn(process.execPath, [...START.nodeArgs, "--import", PROBE, "--input-type=module", "-e", source], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...START.env, FOOTPRINT_REPORT: reportFile },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const stop = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  });
  await within(
    new Promise((resolve, reject) => {
      child.stdout.on("data", (d) => (output += d).includes("ready") && resolve());
      child.stderr.on("data", (d) => (output += d));
      child.once("exit", () => reject(new Error(`floor process exited:\n${output}`)));
    }),
    60_000,
    "floor process",
  );
  return { pid: child.pid, stop };
}

const FLOORS = {
  // Every module the gateway loads, nothing started.
  "node + gateway imports": `await import("reflect-metadata"); await import("./dist/src/app.js"); console.log("ready"); setInterval(() => {}, 1 << 30);`,
  // PGlite in memory, one statement, nothing else.
  "PGlite alone (memory)": `const { PGlite } = await import("@electric-sql/pglite"); const pg = await PGlite.create({ dataDir: "memory://" }); await pg.query("select 1"); console.log("ready"); setInterval(() => {}, 1 << 30);`,
};

export async function benchFootprint({ dbs, sizes, log }) {
  const work = mkdtempSync(join(tmpdir(), "gateway-footprint-"));
  const cleanWork = onCleanup(() => rmSync(work, { recursive: true, force: true }));
  const reportFile = join(work, "probe.json");
  const rows = [];
  try {
    for (const [name, source] of Object.entries(FLOORS)) {
      log(`footprint: ${name}`);
      const p = await spawnFloor(source, reportFile);
      try {
        await sleep(IDLE_MS);
        rows.push({ process: name, db: "", employees: 0, ...snapshot(p.pid, await probe(p.pid, reportFile)) });
      } finally {
        await p.stop();
      }
    }
    const targets = [];
    for (const db of dbs) {
      if (db === "pglite") {
        targets.push({ db: "pglite memory", url: () => "pglite://memory" });
        // As `npm start` runs it: the database on disk, created on first start, reopened after.
        const dir = join(work, "pglite");
        targets.push({ db: "pglite disk, first start", url: () => `pglite://${dir}` });
        targets.push({ db: "pglite disk, restart", url: () => `pglite://${dir}` });
      } else {
        targets.push({ db: "postgres", url: async () => (await createDatabase()).url, postgres: true });
      }
    }
    for (const target of targets) {
      log(`footprint: gateway idle, ${target.db}`);
      const sim = await startBobSimulator({ port: 0, seed: SEED, employees: 10, today: TODAY });
      const closeSim = onCleanup(() => sim.close());
      const gw = await spawnGateway({
        databaseUrl: await target.url(),
        bobApiUrl: sim.baseUrl,
        secrets: newSecrets(),
        nodeArgs: [...START.nodeArgs, "--import", PROBE],
        env: { ...START.env, FOOTPRINT_REPORT: reportFile },
      });
      try {
        await sleep(IDLE_MS);
        rows.push({
          process: "gateway idle",
          db: target.db,
          employees: 0,
          ...snapshot(gw.pid, await probe(gw.pid, reportFile)),
        });
      } finally {
        await gw.stop();
        await closeSim();
      }
    }
    // One initial sync in a fresh process, then 10 s idle: the peak is the sync's. PGlite both in
    // memory (the database's files count in the process) and on disk as `npm start` runs it (a
    // copy of the database the idle rows created and migrated, so no first start is counted).
    const syncTargets = dbs.flatMap((db) => (db === "pglite" ? ["pglite memory", "pglite disk"] : [db]));
    for (const db of syncTargets) {
      for (const size of sizes) {
        log(`footprint: gateway after an initial sync of ${size}, ${db}`);
        const sim = await startBobSimulator({
          port: 0,
          seed: SEED,
          employees: size,
          today: TODAY,
          peopleSearchPerMinute: 1_000_000,
        });
        const closeSim = onCleanup(() => sim.close());
        const database = db === "postgres" ? await createDatabase() : null;
        let diskDir = null;
        if (db === "pglite disk") {
          diskDir = join(work, `pglite-sync-${size}`);
          cpSync(join(work, "pglite"), diskDir, { recursive: true });
        }
        const secrets = newSecrets();
        const gw = await spawnGateway({
          databaseUrl: database?.url ?? (diskDir ? `pglite://${diskDir}` : "pglite://memory"),
          bobApiUrl: sim.baseUrl,
          secrets,
          nodeArgs: [...START.nodeArgs, "--import", PROBE],
          env: { ...START.env, FOOTPRINT_REPORT: reportFile },
        });
        try {
          const co = await connectCompany({ url: gw.url, secrets, sim, companyId: "footprint" });
          const run = await co.syncAndTime();
          if (run.counts.created + run.counts.skipped !== size) throw new Error(`sync created ${run.counts.created}`);
          await co.closeProgress();
          await sleep(IDLE_MS);
          rows.push({
            process: `after sync (${round(run.wallMs / 1000, 2)} s)`,
            db,
            employees: size,
            ...snapshot(gw.pid, await probe(gw.pid, reportFile)),
          });
        } finally {
          await gw.stop();
          await database?.drop();
          if (diskDir) rmSync(diskDir, { recursive: true, force: true });
          await closeSim();
        }
      }
    }
  } finally {
    await cleanWork();
  }
  // Kept with the rows, so --report prints the settings they were measured with.
  const settings = [...Object.entries(START.env).map(([k, v]) => `${k}=${v}`), ...START.nodeArgs].join(" ") || "none";
  return rows.map((row) => ({ ...row, settings }));
}

export function footprintReport(rows) {
  if (!rows || rows.length === 0) return "footprint: not run";
  return [
    `### Footprint: resident memory (MB) after start or a sync and ${IDLE_MS / 1000} s idle, each a fresh process`,
    "",
    `Every process runs with \`npm start\`'s settings: ${rows[0].settings ?? "(not recorded)"}.`,
    "",
    table(rows, [
      ["process", "process"],
      ["db", "db"],
      ["employees", "employees"],
      ["rssMb", "VmRSS"],
      ["peakMb", "VmHWM"],
      ["wasmResidentMb", "wasm memory"],
      ["wasmCommittedMb", "wasm grown"],
      ["wasmMemories", "wasm memories"],
      ["jitCodeMb", "JIT code"],
      ["fileMb", "files (code)"],
      ["otherAnonMb", "other anon"],
      ["heapUsedMb", "V8 heap used"],
      ["heapTotalMb", "V8 heap total"],
      ["externalMb", "external"],
      ["arrayBuffersMb", "of it ArrayBuffers"],
    ]),
    "",
    '"wasm memory" is the resident part of the WebAssembly memories (PGlite\'s Postgres heap; approximate: anonymous mappings adjacent to their reservations count with them), "wasm grown" their size as grown; "JIT code" executable anonymous memory (compiled JavaScript and WebAssembly); "files" the node binary and libraries; "other anon" the rest (V8 heap, external buffers, malloc).',
  ].join("\n");
}
