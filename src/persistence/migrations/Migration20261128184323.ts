import { Migration } from "@mikro-orm/migrations";

/**
 * A run's changes move from one row each (sync_change) to pages of 1,000 as JSON text
 * (sync_change_page, see entities/sync-run.entity.ts). Existing changes are carried over in order.
 */
export class Migration20261128184323 extends Migration {
  override name = "Migration20261128184323";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "sync_change_page" ("run_id" uuid not null, "page" int not null, "changes" text not null, primary key ("run_id", "page"));`,
    );
    this.addSql(
      `alter table "sync_change_page" add constraint "sync_change_page_run_id_foreign" foreign key ("run_id") references "sync_run" ("id") on delete cascade;`,
    );
    // Sequence numbers run 0..n-1 per run, so seq / 1000 is the page.
    this.addSql(`insert into "sync_change_page" ("run_id", "page", "changes")
      select "run_id", "seq" / 1000, json_agg(json_build_object('a', "action", 'b', "bob_employee_id", 'e', "email", 'f', "fields") order by "seq")::text
      from "sync_change" group by "run_id", "seq" / 1000;`);
    this.addSql(`drop table if exists "sync_change" cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(
      `create table "sync_change" ("run_id" uuid not null, "seq" int4 not null, "action" varchar(8) not null, "bob_employee_id" varchar(64) not null, "email" varchar(320) null, "fields" jsonb not null, primary key ("run_id", "seq"));`,
    );
    this.addSql(
      `alter table "sync_change" add constraint "sync_change_run_id_foreign" foreign key ("run_id") references "sync_run" ("id") on update no action on delete cascade;`,
    );
    this.addSql(`insert into "sync_change" ("run_id", "seq", "action", "bob_employee_id", "email", "fields")
      select p."run_id", p."page" * 1000 + (c.ordinality - 1)::int, c.value->>'a', c.value->>'b', c.value->>'e', c.value->'f'
      from "sync_change_page" p, jsonb_array_elements(p."changes"::jsonb) with ordinality as c(value, ordinality);`);
    this.addSql(`drop table if exists "sync_change_page" cascade;`);
  }
}
