import { PGlite } from "@electric-sql/pglite";
import { MikroORM } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/sql";
import type { DatabaseTarget } from "../config/config.js";
import { ormOptions } from "./orm-options.js";
import { PGLITE_START_PARAMS, ensurePgliteDataDir, pgliteMemoryTemplate } from "./pglite-data-dir.js";
import { rawQuery } from "./raw-query.js";

/** The opened database: the ORM plus what jobs and notifications need from the same connection. */
export interface Database {
  readonly kind: "postgres" | "pglite";
  readonly orm: MikroORM;
  /** The embedded instance, shared by the ORM, pg-boss and LISTEN/NOTIFY (PGlite has one connection). */
  readonly pglite: PGlite | null;
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

export async function openDatabase(target: DatabaseTarget, onQuery?: (sql: string) => void): Promise<Database> {
  let pglite: PGlite | null = null;
  let orm: MikroORM;
  if (target.kind === "pglite") {
    // The database is created (initdb) in a child process, never here: see pglite-data-dir.ts.
    const startParams = [...PGLITE_START_PARAMS];
    if (target.dataDir) {
      await ensurePgliteDataDir(target.dataDir);
      pglite = await PGlite.create({ dataDir: target.dataDir, startParams });
    } else {
      pglite = await PGlite.create({ dataDir: "memory://", loadDataDir: await pgliteMemoryTemplate(), startParams });
    }
    orm = await MikroORM.init(ormOptions({ kind: "pglite", pglite }, onQuery));
  } else {
    orm = await MikroORM.init(ormOptions({ kind: "postgres", url: target.url }, onQuery));
  }
  const em = (): EntityManager => orm.em.fork() as unknown as EntityManager;
  return {
    kind: target.kind,
    orm,
    pglite,
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
