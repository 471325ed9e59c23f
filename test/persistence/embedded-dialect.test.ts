import { PGlite, type Transaction } from "@electric-sql/pglite";
import { Kysely, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedDialect, type EmbeddedConnectable } from "../../src/persistence/embedded-dialect.js";
import { PGLITE_START_PARAMS, pgliteMemoryTemplate } from "../../src/persistence/pglite-data-dir.js";
import { PgliteClient } from "../../src/persistence/pglite-thread/pglite-thread.js";

/**
 * The ORM's dialect for the embedded database (src/persistence/embedded-dialect.ts): a connection
 * per caller, so concurrent statements are all sent to the database at once, which queues them.
 * What they see must be what one connection behind a mutex gave: a statement outside a transaction
 * waits for an open one and never sees it half-done, transactions never interleave, savepoints and
 * failed statements roll back exactly their part. The same on the database's thread and in process.
 */
const databases: Record<string, () => Promise<{ db: EmbeddedConnectable; close: () => Promise<void> }>> = {
  "in its thread": async () => {
    const template = new Uint8Array(await (await pgliteMemoryTemplate()).arrayBuffer());
    const client = await PgliteClient.start({ dataDir: null, template, startParams: PGLITE_START_PARAMS });
    return { db: client, close: () => client.close() };
  },
  "in process (PGLITE_THREAD=off)": async () => {
    const pglite = await PGlite.create({ loadDataDir: await pgliteMemoryTemplate() });
    return { db: pglite, close: () => pglite.close() };
  },
};

/** Counts the statements sent to the database and not yet answered, at most. */
function counting(db: EmbeddedConnectable): EmbeddedConnectable & { maxInFlight: number } {
  let inFlight = 0;
  const counted = {
    maxInFlight: 0,
    async query<T>(text: string, params?: unknown[], options?: { rowMode?: "object" }) {
      counted.maxInFlight = Math.max(counted.maxInFlight, ++inFlight);
      try {
        return await db.query<T>(text, params, options);
      } finally {
        inFlight--;
      }
    },
    transaction: <T>(fn: (tx: Transaction) => Promise<T>) => db.transaction(fn),
  };
  return counted;
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe.each(Object.keys(databases))("the embedded dialect, database %s", (where) => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables made by the test
  const open = async (): Promise<{ k: Kysely<any>; db: ReturnType<typeof counting> }> => {
    const { db: raw, close } = await (databases[where] as () => ReturnType<(typeof databases)[string]>)();
    const db = counting(raw);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const k = new Kysely<any>({ dialect: new EmbeddedDialect(db) });
    closing.push(close, () => k.destroy());
    await sql`create table t (id int primary key, v text not null)`.execute(k);
    return { k, db };
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a transaction or the database
  const count = async (k: Kysely<any>): Promise<number> =>
    (await sql<{ n: number }>`select count(*)::int as n from t`.execute(k)).rows[0]?.n ?? -1;

  it("sends concurrent statements to the database together instead of one after another", async () => {
    const { k, db } = await open();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => sql<{ n: number }>`select ${i}::int as n`.execute(k)),
    );
    expect(answers.map((a) => a.rows[0]?.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(db.maxInFlight).toBeGreaterThan(1);
  });

  it("holds a statement outside a transaction until another caller's transaction ends; it sees the commit", async () => {
    const { k } = await open();
    const trx = await k.startTransaction().execute();
    await sql`insert into t values (1, 'a')`.execute(trx);
    let seen: number | null = null;
    const outside = count(k).then((n) => (seen = n));
    // More statements of the transaction go through meanwhile: the outside one still waits.
    await sql`insert into t values (2, 'b')`.execute(trx);
    expect(await count(trx)).toBe(2);
    expect(seen).toBeNull();
    await trx.commit().execute();
    await outside;
    expect(seen).toBe(2);
  });

  it("never interleaves the transactions of concurrent callers (no lost update)", async () => {
    const { k } = await open();
    await sql`insert into t values (1, '0')`.execute(k);
    const bothRead = deferred();
    let reads = 0;
    const increment = () =>
      k.transaction().execute(async (trx) => {
        const { rows } = await sql<{ v: string }>`select v from t where id = 1`.execute(trx);
        if (++reads === 2) bothRead.resolve();
        // Were the two interleaved, both would have read "0" by now and one update would be lost.
        await Promise.race([bothRead.promise, new Promise((r) => setTimeout(r, 50))]);
        await sql`update t set v = ${String(Number(rows[0]?.v) + 1)} where id = 1`.execute(trx);
      });
    await Promise.all([increment(), increment()]);
    const { rows } = await sql<{ v: string }>`select v from t where id = 1`.execute(k);
    expect(rows[0]?.v).toBe("2");
  });

  it("rolls back a savepoint's part only, a failed transaction whole, and serves the next statement", async () => {
    const { k } = await open();
    const trx = await k.startTransaction().execute();
    await sql`insert into t values (1, 'kept')`.execute(trx);
    const inner = await trx.savepoint("inner").execute();
    await sql`insert into t values (2, 'undone')`.execute(inner);
    await inner.rollbackToSavepoint("inner").execute();
    await trx.commit().execute();
    expect((await sql<{ id: number }>`select id from t order by id`.execute(k)).rows).toEqual([{ id: 1 }]);

    const failed = await k
      .transaction()
      .execute(async (trx) => {
        await sql`insert into t values (3, 'lost')`.execute(trx);
        await sql`insert into t values (1, 'duplicate')`.execute(trx);
      })
      .catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: "23505" });
    expect(await count(k)).toBe(1);
    await sql`insert into t values (3, 'after')`.execute(k);
    expect(await count(k)).toBe(2);
  });
});
