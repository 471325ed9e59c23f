import { PGlite } from "@electric-sql/pglite";
import { MikroORM } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/sql";
import { afterEach, describe, expect, it } from "vitest";
import { ormOptions } from "../../src/persistence/orm-options.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const BEFORE_PAGES = "Migration20261128153623";
const RUN = "00000000-0000-4000-8000-000000000001";

/** 2,345 changes as the one-row-per-change table held them (three pages' worth, the last partial). */
const CHANGES = Array.from({ length: 2345 }, (_, seq) => ({
  seq,
  action: seq % 3 === 0 ? "CREATE" : seq % 3 === 1 ? "UPDATE" : "DELETE",
  bob_employee_id: String(3_000_000_000_000_000_000n + BigInt(seq)),
  email: seq % 5 === 0 ? null : `person${seq}@example.com`,
  fields: seq % 3 === 2 ? [] : ["firstName", `custom "${seq}"`],
}));

describe("migrating a run's changes to pages", () => {
  let orm: MikroORM | null = null;
  let db: TestDatabase | null = null;
  afterEach(async () => {
    await orm?.close(true);
    await db?.drop();
    orm = null;
    db = null;
  });

  it("carries every stored change over in order, and back on the way down", async () => {
    db = await createTestDatabase();
    const target = db.target.kind === "postgres" ? { kind: "postgres" as const, url: db.target.url } : { kind: "pglite" as const, pglite: await PGlite.create({ dataDir: "memory://" }) };
    orm = await MikroORM.init(ormOptions(target));
    await orm.migrator.up({ to: BEFORE_PAGES });
    const em = orm.em.fork() as EntityManager;
    const sql = (text: string, params: unknown[] = []) => em.getConnection().execute(text, params);
    await sql(`insert into company (id, created_at) values ('co', now())`);
    await sql(`insert into sync_run (id, company_id, trigger, status, phase, dry_run, queued_at) values (?, 'co', 'MANUAL', 'SUCCEEDED', 'DONE', false, now())`, [RUN]);
    await sql(
      `insert into sync_change (run_id, seq, action, bob_employee_id, email, fields)
       select ?, r.seq, r.action, r.bob_employee_id, r.email, r.fields from jsonb_to_recordset(?::jsonb) as r(seq int, action varchar, bob_employee_id varchar, email varchar, fields jsonb)`,
      [RUN, JSON.stringify(CHANGES)],
    );

    await orm.migrator.up();
    const pages = (await sql(`select page, changes from sync_change_page where run_id = ? order by page`, [RUN])) as { page: number; changes: string }[];
    expect(pages.map((p) => p.page)).toEqual([0, 1, 2]);
    const carried = pages.flatMap((p) => JSON.parse(p.changes) as { a: string; b: string; e: string | null; f: string[] }[]);
    expect(carried).toEqual(CHANGES.map((c) => ({ a: c.action, b: c.bob_employee_id, e: c.email, f: c.fields })));

    await orm.migrator.down({ to: BEFORE_PAGES });
    const back = await sql(`select seq, action, bob_employee_id, email, fields from sync_change where run_id = ? order by seq`, [RUN]);
    expect(back).toEqual(CHANGES);
  });
});
