import { Migration } from "@mikro-orm/migrations";

export class Migration20261128130813 extends Migration {
  override name = "Migration20261128130813";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "webhook_delivery" ("id" uuid not null, "seq" serial, "company_id" varchar(128) not null, "received_at" timestamptz not null, "event_type" varchar(128) not null, "bob_employee_id" varchar(64) null, "employee_ids" jsonb not null, "status" varchar(16) not null, "error" text null, "body_hash" varchar(64) null, "applied_at" timestamptz null, "attempts" int not null default 0, primary key ("id"));`,
    );
    this.addSql(`create index "webhook_delivery_company_seq_index" on "webhook_delivery" ("company_id", "seq");`);
    this.addSql(`create index "webhook_delivery_pending_index" on "webhook_delivery" ("company_id", "status");`);
    this.addSql(
      `create unique index "webhook_delivery_company_body_hash_unique" on "webhook_delivery" ("company_id", "body_hash") where "body_hash" is not null;`,
    );

    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_company_id_foreign" foreign key ("company_id") references "company" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
  }
}
