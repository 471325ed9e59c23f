// Shared helpers: paths into dist/, cleanup on any exit, ports, stats, tables, PostgreSQL databases.
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const dist = (path) => import(new URL(`../../dist/src/${path}`, import.meta.url).href);
/** The Bob simulator's build (tsconfig.simulator.json): it lives outside src/ and the production image. */
export const distSimulator = (path) => import(new URL(`../../dist/simulator/${path}`, import.meta.url).href);
export const TODAY = "2026-06-15";
export const SEED = 20260615;
export const PG_ADMIN_URL =
  process.env.BENCH_PG_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

// ---- cleanup: every process, socket and database registers its undo here --------------------
const cleanups = [];
/** Registers fn; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(fn) {
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    const i = cleanups.indexOf(run);
    if (i >= 0) cleanups.splice(i, 1);
    await fn();
  };
  cleanups.push(run);
  return run;
}
export async function cleanupAll() {
  while (cleanups.length > 0) {
    const run = cleanups[cleanups.length - 1];
    await run().catch((e) => console.error("cleanup failed:", e?.message ?? e));
  }
}
let exiting = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (exiting) return;
    exiting = true;
    console.error(`\n${signal}: cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock milliseconds with sub-ms precision, comparable across processes on this machine. */
export const nowMs = () => performance.timeOrigin + performance.now();

export async function within(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- stats ----------------------------------------------------------------------------------
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1; // nearest-rank
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}
export const median = (values) => percentile(values, 50);

/** Deterministic PRNG (mulberry32): the same storm or sample in every run. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const round = (x, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

// ---- tables ---------------------------------------------------------------------------------
/** rows: array of objects; columns: [key, header]. Markdown, so the output pastes into BENCHMARKS.md. */
export function table(rows, columns) {
  const cells = rows.map((r) => columns.map(([key]) => fmt(r[key])));
  const heads = columns.map(([, h]) => h);
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (cs) => `| ${cs.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(heads), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}
function fmt(v) {
  if (v === undefined || v === null) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2);
  return String(v);
}

// ---- PostgreSQL -----------------------------------------------------------------------------
export async function postgresReachable() {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query("show server_version");
    return rows[0].server_version;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh database bench_<random>, dropped (with force) at cleanup. */
export async function createDatabase() {
  const name = `bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const drop = onCleanup(async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      await c.query(`drop database if exists ${name} with (force)`);
    } finally {
      await c.end();
    }
  });
  return { name, url: url.toString(), drop };
}
