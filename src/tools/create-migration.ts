/**
 * Generates the next migration from the difference between the entities and the schema the
 * committed migrations produce, on a fresh in-memory database. Run: npm run migration:create
 */
import { MikroORM } from "@mikro-orm/core";
import { PGlite } from "@electric-sql/pglite";
import { ormOptions } from "../persistence/orm-options.js";

const pglite = await PGlite.create({ dataDir: "memory://" });
const orm = await MikroORM.init(ormOptions({ kind: "pglite", pglite }));
try {
  await orm.migrator.up();
  const result = await orm.migrator.create("src/persistence/migrations", false, false, process.argv[2]);
  if (!result.fileName) {
    console.log("No schema changes: no migration created.");
  } else {
    console.log(`Created src/persistence/migrations/${result.fileName}; append it to migrations/index.ts.`);
    console.log(result.diff.up.join("\n"));
  }
} finally {
  await orm.close(true);
}
