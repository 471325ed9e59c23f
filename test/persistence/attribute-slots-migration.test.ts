import { afterEach, describe, expect, it } from "vitest";
import { databaseMigratedTo } from "../support/migration-db.js";

const BEFORE_SLOTS = "Migration20261204220000";
const SLOTS = "Migration20261204230000";
const DEPARTMENT = "00000000-0000-4000-8000-00000000000d";
const LEVEL = "00000000-0000-4000-8000-00000000000e";

describe("keying stored attribute values by slot", () => {
  let db: Awaited<ReturnType<typeof databaseMigratedTo>> | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });

  it("rewrites every row's keys to its attributes' slots, gives new attributes slots of their own, and goes back on the way down", async () => {
    db = await databaseMigratedTo(BEFORE_SLOTS);
    const { orm, sql } = db;
    await sql(`insert into company (id, created_at) values ('co', now())`);
    for (const [id, name] of [
      [DEPARTMENT, "Department"],
      [LEVEL, "Level"],
    ]) {
      await sql(
        `insert into attribute (id, company_id, name, name_key, type, standard, created_at) values (?, 'co', ?, lower(?), 'TEXT', false, now())`,
        [id, name, name],
      );
    }
    const rows = [
      { bob: "1", attributes: { [DEPARTMENT]: "Sales", [LEVEL]: "Senior" } },
      { bob: "2", attributes: { [LEVEL]: 'Junior "2"' } },
      { bob: "3", attributes: {} },
    ];
    for (const r of rows) {
      await sql(
        `insert into employee (id, company_id, bob_id, first_name, last_name, attributes, created_at, updated_at) values (gen_random_uuid(), 'co', ?, 'A', 'B', ?::jsonb, now(), now())`,
        [r.bob, JSON.stringify(r.attributes)],
      );
    }
    const stored = async () =>
      Object.fromEntries(
        (
          (await sql(`select bob_id, attributes from employee order by bob_id`)) as {
            bob_id: string;
            attributes: unknown;
          }[]
        ).map((r) => [r.bob_id, typeof r.attributes === "string" ? JSON.parse(r.attributes) : r.attributes]),
      );

    await orm.migrator.up({ to: SLOTS });
    const slots = Object.fromEntries(
      ((await sql(`select id, slot from attribute`)) as { id: string; slot: string | number }[]).map((a) => [
        a.id,
        String(a.slot),
      ]),
    );
    expect(new Set(Object.values(slots)).size).toBe(2);
    expect(await stored()).toEqual({
      "1": { [slots[DEPARTMENT]!]: "Sales", [slots[LEVEL]!]: "Senior" },
      "2": { [slots[LEVEL]!]: 'Junior "2"' },
      "3": {},
    });
    // An attribute created afterwards draws its slot from the same sequence.
    await sql(
      `insert into attribute (id, company_id, name, name_key, type, standard, created_at) values (gen_random_uuid(), 'co', 'Team', 'team', 'TEXT', false, now())`,
    );
    const [team] = (await sql(`select slot from attribute where name = 'Team'`)) as { slot: string | number }[];
    expect(Object.values(slots)).not.toContain(String(team!.slot));

    await orm.migrator.down({ to: BEFORE_SLOTS });
    expect(await stored()).toEqual(Object.fromEntries(rows.map((r) => [r.bob, r.attributes])));
  });
});
