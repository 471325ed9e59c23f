import { afterEach, describe, expect, it } from "vitest";
import { decodeChangePage } from "../../src/persistence/stores/change-page.js";
import { databaseMigratedTo } from "../support/migration-db.js";

const BEFORE_PAGES = "Migration20261128153623";
const PAGES = "Migration20261128184323";
const NAMES_ONCE = "Migration20261204220000";
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
  let db: Awaited<ReturnType<typeof databaseMigratedTo>> | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });

  it("carries every stored change over in order, and back on the way down", async () => {
    db = await databaseMigratedTo(BEFORE_PAGES);
    const { orm, sql } = db;
    await sql(`insert into company (id, created_at) values ('co', now())`);
    await sql(
      `insert into sync_run (id, company_id, trigger, status, phase, dry_run, queued_at) values (?, 'co', 'MANUAL', 'SUCCEEDED', 'DONE', false, now())`,
      [RUN],
    );
    await sql(
      `insert into sync_change (run_id, seq, action, bob_employee_id, email, fields)
       select ?, r.seq, r.action, r.bob_employee_id, r.email, r.fields from jsonb_to_recordset(?::jsonb) as r(seq int, action varchar, bob_employee_id varchar, email varchar, fields jsonb)`,
      [RUN, JSON.stringify(CHANGES)],
    );

    await orm.migrator.up({ to: PAGES });
    const pages = (await sql(`select page, changes from sync_change_page where run_id = ? order by page`, [RUN])) as {
      page: number;
      changes: string;
    }[];
    expect(pages.map((p) => p.page)).toEqual([0, 1, 2]);
    const carried = pages.flatMap(
      (p) => JSON.parse(p.changes) as { a: string; b: string; e: string | null; f: string[] }[],
    );
    expect(carried).toEqual(CHANGES.map((c) => ({ a: c.action, b: c.bob_employee_id, e: c.email, f: c.fields })));

    await orm.migrator.down({ to: BEFORE_PAGES });
    const back = await sql(
      `select seq, action, bob_employee_id, email, fields from sync_change where run_id = ? order by seq`,
      [RUN],
    );
    expect(back).toEqual(CHANGES);
  });

  it("names each field once per page, the changes read back the same, and back on the way down", async () => {
    db = await databaseMigratedTo(PAGES);
    const { orm, sql } = db;
    await sql(`insert into company (id, created_at) values ('co', now())`);
    await sql(
      `insert into sync_run (id, company_id, trigger, status, phase, dry_run, queued_at) values (?, 'co', 'MANUAL', 'SUCCEEDED', 'DONE', false, now())`,
      [RUN],
    );
    const v1 = (page: number) =>
      CHANGES.slice(page * 1000, page * 1000 + 1000).map((c) => ({
        a: c.action,
        b: c.bob_employee_id,
        e: c.email,
        f: c.fields,
      }));
    for (const page of [0, 1, 2])
      await sql(`insert into sync_change_page (run_id, page, changes) values (?, ?, ?)`, [
        RUN,
        page,
        JSON.stringify(v1(page)),
      ]);
    const expected = CHANGES.map((c) => ({
      action: c.action,
      bobEmployeeId: c.bob_employee_id,
      email: c.email,
      fields: c.fields,
    }));

    await orm.migrator.up({ to: NAMES_ONCE });
    const pages = (await sql(`select changes from sync_change_page where run_id = ? order by page`, [RUN])) as {
      changes: string;
    }[];
    const stored = pages.map((p) => JSON.parse(p.changes) as { n: string[]; c: unknown[] });
    // Each page lists a name once: "firstName" and one custom name per change that has fields.
    expect(stored.map((p) => p.n.filter((n) => n === "firstName").length)).toEqual([1, 1, 1]);
    expect(stored.every((p) => !Array.isArray(p) && p.c.length > 0)).toBe(true);
    expect(pages.flatMap((p) => decodeChangePage(p.changes))).toEqual(expected);

    await orm.migrator.down({ to: PAGES });
    const back = (await sql(`select changes from sync_change_page where run_id = ? order by page`, [RUN])) as {
      changes: string;
    }[];
    expect(back.map((p) => JSON.parse(p.changes))).toEqual([0, 1, 2].map(v1));
  });
});
