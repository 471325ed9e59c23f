import { PGlite } from "@electric-sql/pglite";
import { MikroORM } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/sql";
import { ormOptions } from "../../src/persistence/orm-options.js";
import { createTestDatabase } from "./test-database.js";

/** A fresh database migrated up to `name` (included), for tests of the migrations after it. */
export async function databaseMigratedTo(name: string) {
  const db = await createTestDatabase();
  const target =
    db.target.kind === "postgres"
      ? { kind: "postgres" as const, url: db.target.url }
      : { kind: "pglite" as const, pglite: await PGlite.create({ dataDir: "memory://" }) };
  const orm = await MikroORM.init(ormOptions(target));
  await orm.migrator.up({ to: name });
  const em = orm.em.fork() as EntityManager;
  const sql = (text: string, params: unknown[] = []) => em.getConnection().execute(text, params);
  return {
    orm,
    sql,
    close: async () => {
      await orm.close(true);
      await db.drop();
    },
  };
}
