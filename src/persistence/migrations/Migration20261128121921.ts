import { Migration } from "@mikro-orm/migrations";

export class Migration20261128121921 extends Migration {
  override name = "Migration20261128121921";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "company" ("id" varchar(128) not null, "created_at" timestamptz not null, "integration_enabled" boolean not null default false, "integration_enabled_at" timestamptz null, "deletion_safeguard_percent" int not null default 20, "reconcile_every_hours" int null, "time_zone" varchar(64) not null default 'UTC', primary key ("id"));`,
    );

    this.addSql(
      `create table "attribute" ("id" uuid not null, "company_id" varchar(128) not null, "name" varchar(128) not null, "name_key" varchar(128) not null, "type" varchar(16) not null, "standard" boolean not null default false, "standard_key" varchar(32) null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "attribute" add constraint "attribute_company_name_key_unique" unique ("company_id", "name_key");`,
    );

    this.addSql(
      `alter table "attribute" add constraint "attribute_company_id_foreign" foreign key ("company_id") references "company" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "attribute" drop constraint "attribute_company_id_foreign";`);

    this.addSql(`drop table if exists "company" cascade;`);
    this.addSql(`drop table if exists "attribute" cascade;`);
  }
}
