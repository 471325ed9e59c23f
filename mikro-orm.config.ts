/**
 * MikroORM configuration for tooling (creating migrations). The gateway itself builds the same
 * options through src/persistence/orm-options.ts from its validated configuration.
 * Usage: DATABASE_URL=postgres://... npm run migration:create
 */
import { PGlite } from "@electric-sql/pglite";
import { parseDatabaseUrl } from "./src/config/config.js";
import { ormOptions } from "./src/persistence/orm-options.js";

const target = parseDatabaseUrl(process.env.DATABASE_URL ?? "pglite://memory", ".data");

export default target.kind === "postgres"
  ? ormOptions(target)
  : ormOptions({ kind: "pglite", pglite: await PGlite.create({ dataDir: target.dataDir ?? "memory://" }) });
