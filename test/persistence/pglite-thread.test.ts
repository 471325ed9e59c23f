import { afterEach, describe, expect, it } from "vitest";
import { PgliteClient } from "../../src/persistence/pglite-thread/pglite-thread.js";
import { PGLITE_START_PARAMS, pgliteMemoryTemplate } from "../../src/persistence/pglite-data-dir.js";
import { openDatabase, type Database } from "../../src/persistence/database.js";

/**
 * The embedded database runs in a thread of its own (src/persistence/pglite-thread/): its
 * statements, transactions, errors and notifications must behave as PGlite's own do in process,
 * for every client of the thread, and a client or a thread that goes away must neither hang its
 * callers nor leave the one connection inside a transaction.
 */
describe("the embedded database's thread", () => {
  const opened: PgliteClient[] = [];
  afterEach(async () => {
    for (const client of opened.splice(0).reverse()) await client.close();
  });
  const start = async (): Promise<PgliteClient> => {
    const template = new Uint8Array(await (await pgliteMemoryTemplate()).arrayBuffer());
    const client = await PgliteClient.start({ dataDir: null, template, startParams: PGLITE_START_PARAMS });
    opened.push(client);
    await client.exec("create table t (id int primary key, v text not null)");
    return client;
  };
  const attach = async (owner: PgliteClient): Promise<PgliteClient> => {
    const client = PgliteClient.attach(await owner.connectPort());
    opened.push(client);
    return client;
  };
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it("answers statements with their rows, and errors with PostgreSQL's code, constraint and detail", async () => {
    const db = await start();
    const inserted = await db.query<{ id: number }>("insert into t values ($1, $2), ($3, $4) returning id", [
      1,
      "a",
      2,
      "b",
    ]);
    expect(inserted.rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect(inserted.affectedRows).toBe(2);
    const failure = await db.query("insert into t values (1, 'again')").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({
      code: "23505",
      constraint: "t_pkey",
      detail: "Key (id)=(1) already exists.",
      message: expect.stringMatching(/duplicate key value violates unique constraint "t_pkey"/) as unknown,
    });
    // Values keep their types across the thread: dates, JSON, bytes, null.
    const typed = await db.query<Record<string, unknown>>(
      "select $1::timestamptz as at, $2::jsonb as doc, $3::bytea as bytes, null::text as nothing",
      [new Date("2026-12-07T10:00:00Z"), JSON.stringify({ a: [1, 2] }), new Uint8Array([1, 2, 255])],
    );
    expect(typed.rows[0]).toEqual({
      at: new Date("2026-12-07T10:00:00Z"),
      doc: { a: [1, 2] },
      bytes: new Uint8Array([1, 2, 255]),
      nothing: null,
    });
  });

  it("commits a transaction whose function resolves and rolls back one whose function throws", async () => {
    const db = await start();
    await db.transaction(async (tx) => {
      await tx.query("insert into t values (1, 'kept')");
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into t values (2, 'dropped')");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    // A failed statement inside: the transaction is rolled back, the error reaches the caller.
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into t values (3, 'dropped too')");
        await tx.query("insert into t values (1, 'duplicate')");
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect((await db.query("select id, v from t order by id")).rows).toEqual([{ id: 1, v: "kept" }]);
  });

  it("serialises clients: a statement waits for another client's open transaction, which it never sees half-done", async () => {
    const db = await start();
    const other = await attach(db);
    const inside = deferred();
    const release = deferred();
    const tx = other.transaction(async (t) => {
      await t.query("insert into t values (1, 'one')");
      inside.resolve();
      await release.promise;
      await t.query("insert into t values (2, 'two')");
    });
    await inside.promise;
    let seen: unknown = null;
    const read = db.query("select count(*)::int as n from t").then((r) => (seen = r.rows));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toBeNull(); // still waiting for the other client's transaction
    release.resolve();
    await tx;
    await read;
    expect(seen).toEqual([{ n: 2 }]);
  });

  it("rolls back the open transaction of a client that goes away, and keeps serving the others", async () => {
    const db = await start();
    const other = await attach(db);
    const inside = deferred();
    void other
      .transaction(async (t) => {
        await t.query("insert into t values (1, 'never committed')");
        inside.resolve();
        await new Promise(() => undefined); // its thread dies here
      })
      .catch(() => undefined);
    await inside.promise;
    await other.close();
    expect((await db.query("select count(*)::int as n from t")).rows).toEqual([{ n: 0 }]);
    await db.query("insert into t values (1, 'after')");
    expect((await db.query("select v from t")).rows).toEqual([{ v: "after" }]);
  });

  it("delivers notifications to every client that listens, and stops when it unlistens", async () => {
    const db = await start();
    const other = await attach(db);
    const heard: string[] = [];
    const got = deferred();
    const stop = await other.listen("changes", (payload) => {
      heard.push(payload);
      got.resolve();
    });
    await db.query("select pg_notify('changes', 'company-1')");
    await got.promise;
    expect(heard).toEqual(["company-1"]);
    await stop();
    await db.query("select pg_notify('changes', 'company-2')");
    await db.query("select 1"); // a round trip after the NOTIFY: anything it sent has arrived
    await other.query("select 1");
    expect(heard).toEqual(["company-1"]);
  });

  it("fails every caller with a clear error when the thread dies, and says it lost the database", async () => {
    const db = await start();
    const other = await attach(db);
    const pending = db.query("select pg_sleep(5)");
    const lost = db.lost;
    await db.kill();
    await expect(pending).rejects.toThrow(/the PGlite thread exited/);
    await expect(db.query("select 1")).rejects.toThrow(/the PGlite thread exited/);
    expect(await lost).toBeInstanceOf(Error);
    expect(db.closed).toBe(true);
    // A client attached to it learns the same.
    await expect(other.query("select 1")).rejects.toThrow(/closed|exited/);
    expect(await other.lost).toBeInstanceOf(Error);
  });

  it("is not lost when it is closed", async () => {
    const db = await start();
    let lost = false;
    void db.lost.then(() => (lost = true));
    await db.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(lost).toBe(false);
    await expect(db.query("select 1")).rejects.toThrow(/closed/);
  });
});

describe("PGLITE_THREAD=off: the embedded database on the gateway's own thread", () => {
  let db: Database | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });

  it("opens, migrates and answers without a thread", async () => {
    db = await openDatabase({ kind: "pglite", dataDir: null, inProcess: true });
    expect(db.pgliteThread).toBeNull();
    expect(db.pglite).not.toBeNull();
    expect(await db.migrate()).not.toEqual([]);
    expect(await db.query(null, "select count(*)::int as n from company")).toEqual([{ n: 0 }]);
  });

  it("runs in its thread by default", async () => {
    db = await openDatabase({ kind: "pglite", dataDir: null });
    expect(db.pgliteThread).toBeInstanceOf(PgliteClient);
    expect(db.pglite).toBe(db.pgliteThread);
  });
});
