import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { ensurePgliteDataDir } from "../../src/persistence/pglite-data-dir.js";

/**
 * The embedded database is created (initdb) in a child process, so the Postgres instances initdb
 * needs never live in the gateway's own memory (issue 27): the gateway only opens databases that
 * exist, and opens them in a thread of its own (pglite-thread.ts). Counted here by the WebAssembly
 * memories the gateway's own thread makes: none, whether a database is created or opened.
 */
describe("PGlite databases are created in a child process", () => {
  const work = mkdtempSync(join(tmpdir(), "pglite-data-dir-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  let memories = 0;
  const original = WebAssembly.Memory;
  beforeEach(() => {
    memories = 0;
    WebAssembly.Memory = new Proxy(original, {
      construct(target, args, newTarget) {
        memories++;
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  });
  afterEach(() => {
    WebAssembly.Memory = original;
  });

  const opened: Database[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
  });
  const open = async (dataDir: string | null): Promise<Database> => {
    const db = await openDatabase({ kind: "pglite", dataDir });
    opened.push(db);
    return db;
  };

  it("creates a missing directory (and its parents) without a Postgres instance here, then opens and reopens it", async () => {
    const dir = join(work, "nested", "pglite");
    await ensurePgliteDataDir(dir);
    expect(memories).toBe(0);
    expect(existsSync(join(dir, "PG_VERSION"))).toBe(true);
    // Created beside it and renamed into place: no staging directory is left behind.
    expect(readdirSync(join(work, "nested"))).toEqual(["pglite"]);

    const db = await open(dir);
    expect(memories).toBe(0);
    expect(await db.migrate()).not.toEqual([]);
    await db.query(null, "create table kept (v text)");
    await db.query(null, "insert into kept values ($1)", ["survives a restart"]);
    await db.close();

    await ensurePgliteDataDir(dir); // exists: nothing to do
    const again = await open(dir);
    expect(await again.migrate()).toEqual([]);
    expect(await again.query(null, "select v from kept")).toEqual([{ v: "survives a restart" }]);
    expect(memories).toBe(0);
  });

  it("creates into an empty existing directory", async () => {
    const dir = join(work, "empty");
    mkdirSync(dir);
    const db = await open(dir);
    expect(memories).toBe(0);
    expect(await db.query(null, "select 1 as one")).toEqual([{ one: 1 }]);
    expect(readdirSync(work).filter((name) => name.includes("creating"))).toEqual([]);
  });

  it("starts in-memory databases from one template made by the child, each its own database", async () => {
    const a = await open(null);
    const b = await open(null);
    expect(memories).toBe(0);
    await a.query(null, "create table only_in_a (v int)");
    expect(await a.query(null, "select count(*)::int as n from only_in_a")).toEqual([{ n: 0 }]);
    await expect(b.query(null, "select 1 from only_in_a")).rejects.toThrow(/only_in_a/);
    expect(await b.query(null, "show shared_buffers")).toEqual([{ shared_buffers: "8MB" }]);
  });

  it("says why when the child cannot create it", async () => {
    // A non-empty directory without a database is created in place; a file where initdb wants
    // its "base" directory makes the child fail.
    const dir = join(work, "blocked");
    mkdirSync(dir);
    writeFileSync(join(dir, "base"), "not a directory");
    await expect(ensurePgliteDataDir(dir)).rejects.toThrow(/creating the PGlite database failed \(exit 1\)/);
    expect(memories).toBe(0);
  });
});
