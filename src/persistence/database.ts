import { PGlite } from "@electric-sql/pglite";
import { MikroORM } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/sql";
import { mkdir } from "node:fs/promises";
import type { DatabaseTarget } from "../config/config.js";
import { ormOptions } from "./orm-options.js";
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
    if (target.dataDir) await mkdir(target.dataDir, { recursive: true });
    pglite = await PGlite.create({
      dataDir: target.dataDir ?? "memory://",
      // The whole buffer pool is resident from start in PGlite's WebAssembly memory, which never
      // shrinks: the 128 MB default cost ~120 MB RSS idle (BENCHMARKS.md, "Embedded footprint").
      // A page it misses is read back through the file system's cache (in memory: JS arrays).
      startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"],
    });
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
