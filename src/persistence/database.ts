import { PGlite } from "@electric-sql/pglite";
import { MikroORM } from "@mikro-orm/core";
import type { MessagePort } from "node:worker_threads";
import type { EntityManager } from "@mikro-orm/sql";
import type { DatabaseTarget } from "../config/config.js";
import { ormOptions } from "./orm-options.js";
import { PGLITE_START_PARAMS, ensurePgliteDataDir, pgliteMemoryTemplate } from "./pglite-data-dir.js";
import { PgliteClient } from "./pglite-thread/pglite-thread.js";
import { rawQuery } from "./raw-query.js";

/** What the gateway and pg-boss use of an embedded database, in process or in its thread. */
export type EmbeddedDatabase = Pick<PGlite, "query" | "exec" | "transaction" | "listen" | "close" | "closed">;

/** The opened database: the ORM plus what jobs and notifications need from the same connection. */
export interface Database {
  readonly kind: "postgres" | "pglite";
  readonly orm: MikroORM;
  /**
   * The embedded database, shared by the ORM, pg-boss and LISTEN/NOTIFY (PGlite has one
   * connection): in a thread of its own, or on this one with PGLITE_THREAD=off.
   */
  readonly pglite: EmbeddedDatabase | null;
  /** The embedded database's thread, which another thread of this process can attach to; null on this thread. */
  readonly pgliteThread: PgliteClient | null;
  /** The PostgreSQL URL, for the pools of pg-boss and the notification listener. */
  readonly url: string | null;
  em(): EntityManager;
  /**
   * A hot-path statement with $1.. placeholders and real bind parameters (see raw-query.ts), in
   * `em`'s transaction when it has one; `null`: a statement of its own on the pool. Counted like
   * the ORM's own statements.
   */
  query<R>(em: EntityManager | null, sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Applies pending committed migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** `pglitePort`: on PGlite, a port to a database another thread of this process opened (the query thread's). */
export async function openDatabase(
  target: DatabaseTarget,
  onQuery?: (sql: string) => void,
  pglitePort?: MessagePort,
): Promise<Database> {
  let pglite: EmbeddedDatabase | null = null;
  let thread: PgliteClient | null = null;
  let orm: MikroORM;
  if (target.kind === "pglite") {
    if (pglitePort) {
      pglite = thread = PgliteClient.attach(pglitePort);
    } else {
      // The database is created (initdb) in a child process, never here: see pglite-data-dir.ts.
      if (target.dataDir) await ensurePgliteDataDir(target.dataDir);
      pglite = thread = target.inProcess ? null : await startPgliteThread(target.dataDir);
      pglite ??= await PGlite.create({
        dataDir: target.dataDir ?? "memory://",
        ...(target.dataDir ? {} : { loadDataDir: await pgliteMemoryTemplate() }),
        startParams: [...PGLITE_START_PARAMS],
      });
    }
    const opened = pglite;
    orm = await MikroORM.init(ormOptions({ kind: "pglite", pglite: opened }, onQuery)).catch(async (error: unknown) => {
      await opened.close();
      throw error;
    });
  } else {
    orm = await MikroORM.init(ormOptions({ kind: "postgres", url: target.url }, onQuery));
  }
  const em = (): EntityManager => orm.em.fork() as unknown as EntityManager;
  return {
    kind: target.kind,
    orm,
    pglite,
    pgliteThread: thread,
    url: target.kind === "postgres" ? target.url : null,
    em,
    query: (em, sql, params = []) => rawQuery(em, orm.em as unknown as EntityManager, sql, params, onQuery),
    async migrate() {
      const applied = await orm.migrator.up();
      return applied.map((m) => m.name);
    },
    async ping() {
      // Bounded: a database that hangs must turn /readyz to 503, not hang the probe.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("database ping timed out")), 2_000);
      });
      try {
        await Promise.race([em().execute("select 1"), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      // Idempotent: shutdown may race a failed start or a test that closed it on purpose.
      if (await orm.isConnected().catch(() => false)) await orm.close(true);
      if (pglite && !pglite.closed) await pglite.close();
    },
  };
}

async function startPgliteThread(dataDir: string | null): Promise<PgliteClient> {
  const template = dataDir ? null : new Uint8Array(await (await pgliteMemoryTemplate()).arrayBuffer());
  return PgliteClient.start({ dataDir, template, startParams: PGLITE_START_PARAMS });
}
