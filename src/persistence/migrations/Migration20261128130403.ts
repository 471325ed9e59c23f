import { Migration } from "@mikro-orm/migrations";

export class Migration20261128130403 extends Migration {
  override name = "Migration20261128130403";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "employee" ("id" uuid not null, "company_id" varchar(128) not null, "bob_id" varchar(64) not null, "employee_number" varchar(128) null, "first_name" varchar(256) not null, "last_name" varchar(256) not null, "email" varchar(320) null, "manager_bob_id" varchar(64) null, "start_date" date null, "birth_date" date null, "separation_date" date null, "separation_reason" varchar(256) null, "garden_leave" boolean not null default false, "attributes" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "employee_company_order_index" on "employee" ("company_id", "last_name", "first_name", "id");`,
    );
    this.addSql(`create index "employee_company_manager_index" on "employee" ("company_id", "manager_bob_id");`);
    this.addSql(
      `alter table "employee" add constraint "employee_company_bob_id_unique" unique ("company_id", "bob_id");`,
    );

    this.addSql(
      `create table "sync_run" ("id" uuid not null, "seq" serial, "company_id" varchar(128) not null, "trigger" varchar(16) not null, "dry_run" boolean not null default false, "status" varchar(16) not null, "phase" varchar(16) not null, "queued_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, "fetched" int not null default 0, "created" int not null default 0, "updated" int not null default 0, "deleted" int not null default 0, "unchanged" int not null default 0, "skipped" int not null default 0, "processed" int not null default 0, "total" int null, "issue_count" int not null default 0, "change_count" int not null default 0, "error" text null, "held_plan" jsonb null, primary key ("id"));`,
    );
    this.addSql(`create index "sync_run_company_seq_index" on "sync_run" ("company_id", "seq");`);
    this.addSql(
      `create unique index "sync_run_one_active" on "sync_run" ("company_id", "dry_run") where "status" in ('QUEUED', 'RUNNING');`,
    );

    this.addSql(
      `create table "sync_issue" ("run_id" uuid not null, "seq" int not null, "bob_employee_id" varchar(64) null, "email" varchar(320) null, "code" varchar(32) not null, "message" text not null, primary key ("run_id", "seq"));`,
    );

    this.addSql(
      `create table "sync_change" ("run_id" uuid not null, "seq" int not null, "action" varchar(8) not null, "bob_employee_id" varchar(64) not null, "email" varchar(320) null, "fields" jsonb not null, primary key ("run_id", "seq"));`,
    );

    this.addSql(
      `alter table "employee" add constraint "employee_company_id_foreign" foreign key ("company_id") references "company" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "sync_run" add constraint "sync_run_company_id_foreign" foreign key ("company_id") references "company" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "sync_issue" add constraint "sync_issue_run_id_foreign" foreign key ("run_id") references "sync_run" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "sync_change" add constraint "sync_change_run_id_foreign" foreign key ("run_id") references "sync_run" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sync_issue" drop constraint "sync_issue_run_id_foreign";`);
    this.addSql(`alter table "sync_change" drop constraint "sync_change_run_id_foreign";`);

    this.addSql(`drop table if exists "employee" cascade;`);
    this.addSql(`drop table if exists "sync_run" cascade;`);
    this.addSql(`drop table if exists "sync_issue" cascade;`);
    this.addSql(`drop table if exists "sync_change" cascade;`);
  }
}
