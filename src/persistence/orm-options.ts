import { Migrator } from "@mikro-orm/migrations";
import { PgliteDriver } from "@mikro-orm/pglite";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import type { Options } from "@mikro-orm/core";
import { EmbeddedDialect, type EmbeddedConnectable } from "./embedded-dialect.js";
import { ENTITIES } from "./entities/index.js";
import { MIGRATIONS } from "./migrations/index.js";

/**
 * One ORM configuration for both databases: the same entities and the same committed
 * migrations (listed explicitly, so built code and tests find them without globbing).
 */
export function ormOptions(
  target: { kind: "postgres"; url: string } | { kind: "pglite"; pglite: EmbeddedConnectable },
  /** Called once per SQL statement the ORM runs (tests count queries with it). */
  onQuery?: (sql: string) => void,
): Partial<Options> {
  const common = {
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: {
      tableName: "mikro_orm_migrations",
      path: "src/persistence/migrations",
      emit: "ts" as const,
      snapshot: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
      migrationsList: MIGRATIONS,
    },
    // Schema changes only ever come from migrations.
    ensureDatabase: false,
    // Triggers are written by hand in migrations (the directory version's, see
    // entities/directory-version.entity.ts): generated migrations must never drop them.
    schemaGenerator: { ignoreTriggers: true },
    allowGlobalContext: false,
    ...(onQuery ? { debug: ["query" as const], logger: (message: string) => onQuery(message) } : { debug: false }),
  };
  if (target.kind === "postgres") {
    return { ...common, driver: PostgreSqlDriver, clientUrl: target.url, pool: { min: 0, max: 10 } };
  }
  // A function: the ORM deep-copies its options, and the database may own a thread.
  const pglite = target.pglite;
  return { ...common, driver: PgliteDriver, dbName: "gateway", driverOptions: () => new EmbeddedDialect(pglite) };
}
