import { PGlite } from "@electric-sql/pglite";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readFile, readdir, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

/**
 * PGlite's start parameters, the same in the gateway and in the child that creates its database.
 * The buffer pool is resident from start in PGlite's WebAssembly memory, which never shrinks:
 * the 128 MB default cost ~120 MB RSS idle, 16 MB cost 7-8 MB more than 8 MB, with reads and
 * syncs unchanged within the spread (BENCHMARKS.md, "Embedded footprint"). A page it misses is
 * read back through the file system's cache (in memory: JS arrays).
 */
export const PGLITE_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams, "-c", "shared_buffers=8MB"];

/**
 * Creating a PGlite database (initdb) runs two more Postgres instances in the creating process,
 * whose WebAssembly memories (~440 MB grown) stay resident until V8 happens to collect them, and
 * a worker thread's stay too. A child process gives all of it back when it exits, so the gateway
 * only ever opens a database that exists. The child's body is inline (CommonJS, `node -e`) so it
 * runs the same from dist/ and from the TypeScript sources under vitest; it loads the PGlite the
 * gateway resolves (its CommonJS build: the same version and the same files on disk).
 * `--liftoff-only`: initdb is over before optimised WebAssembly code would pay for itself (the
 * child spends 2.8 s of CPU instead of 3.8 s). The template is gzipped at level 1 (5 MB from 40 MB
 * in 0.15 s; the default level took 0.4 s for 4.5 MB).
 */
const CHILD_SOURCE = `
const [entry, dataDir, startParams] = process.argv.slice(1);
const { PGlite } = require(entry);
(async () => {
  const pg = await PGlite.create({ dataDir: dataDir || "memory://", startParams: JSON.parse(startParams) });
  if (!dataDir) {
    await pg.exec("checkpoint");
    const tar = Buffer.from(await (await pg.dumpDataDir("none")).arrayBuffer());
    const gzipped = require("node:zlib").gzipSync(tar, { level: 1 });
    await new Promise((done, fail) => process.stdout.write(gzipped, (e) => (e ? fail(e) : done())));
  }
  await pg.close();
  process.exit(0);
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
`;
const PGLITE_ENTRY = createRequire(import.meta.url).resolve("@electric-sql/pglite");
/** initdb takes ~4 s on a busy 2-core machine; a child still running after this is stuck. */
const CHILD_TIMEOUT_MS = 180_000;

/** Runs the child: creates `dataDir`, or (null) an in-memory database and returns its gzipped tarball. */
function createInChild(dataDir: string | null): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--liftoff-only", "-e", CHILD_SOURCE, PGLITE_ENTRY, dataDir ?? "", JSON.stringify(PGLITE_START_PARAMS)],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (err = (err + String(chunk)).slice(-4_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    child.once("error", (error) => (clearTimeout(timer), reject(error)));
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(Buffer.concat(out));
      else reject(new Error(`creating the PGlite database failed (exit ${code ?? signal}): ${err.trim()}`));
    });
  });
}

/**
 * Makes sure `dataDir` holds a PGlite database, creating it in a child process if not. A missing
 * or empty directory is created beside it and renamed into place, so an interrupted first start
 * leaves no half-made database; a non-empty directory without one is left to PGlite as before.
 */
export async function ensurePgliteDataDir(dataDir: string): Promise<void> {
  const dir = resolve(dataDir);
  if (existsSync(join(dir, "PG_VERSION"))) return;
  await mkdir(dirname(dir), { recursive: true });
  const entries = await readdir(dir).catch((e: NodeJS.ErrnoException) =>
    e.code === "ENOENT" ? [] : Promise.reject(e),
  );
  if (entries.length > 0) {
    await createInChild(dir);
    return;
  }
  const staging = await mkdtemp(join(dirname(dir), `.${basename(dir)}.creating-`));
  try {
    await createInChild(staging);
    await rmdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
    await rename(staging, dir).catch((e: unknown) => {
      // Another process created it meanwhile: open theirs.
      if (!existsSync(join(dir, "PG_VERSION"))) throw e;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

let memoryTemplate: Promise<Blob> | null = null;

/**
 * A freshly created in-memory database as a gzipped tarball (~5 MB), for `loadDataDir`: every
 * in-memory database (the tests open hundreds, in many processes) starts from it in under a
 * second instead of running initdb (~4 s of CPU). Made by the child once, then kept in this
 * process and in a file that later processes of this user read (see templateFile).
 */
export function pgliteMemoryTemplate(): Promise<Blob> {
  memoryTemplate ??= (async () => {
    const file = await templateFile();
    const kept = file ? await readFile(file).catch(() => null) : null;
    if (kept) return new Blob([kept], { type: "application/x-gzip" });
    const tar = await createInChild(null);
    // Written aside and renamed: a reader sees a whole template or none. Best effort.
    if (file) {
      const partial = `${file}.${process.pid}.partial`;
      await writeFile(partial, tar)
        .then(() => rename(partial, file))
        .catch(() => rm(partial, { force: true }));
    }
    return new Blob([tar], { type: "application/x-gzip" });
  })().catch((error: unknown) => {
    memoryTemplate = null;
    throw error;
  });
  return memoryTemplate;
}

/**
 * Where the in-memory template is kept between processes: one file per PGlite version, start
 * parameters and child, so an upgrade never reads an older one, in a directory of the system's
 * temporary one that only this user may write (else no file: each process makes its own).
 */
async function templateFile(): Promise<string | null> {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const dir = join(tmpdir(), `bob-gateway-pglite-templates-${uid}`);
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined);
  const stat = await lstat(dir).catch(() => null);
  if (!stat?.isDirectory() || stat.uid !== uid || (stat.mode & 0o022) !== 0) return null;
  const version = JSON.parse(await readFile(join(dirname(PGLITE_ENTRY), "..", "package.json"), "utf8")) as {
    version: string;
  };
  const key = createHash("sha256")
    .update(JSON.stringify([version.version, PGLITE_START_PARAMS, CHILD_SOURCE]))
    .digest("hex")
    .slice(0, 16);
  return join(dir, `pglite-${version.version}-${key}.tar.gz`);
}
