import { Migration } from "@mikro-orm/migrations";

/**
 * Notifications: the company's notification URL and its signing secret (sealed like the Bob
 * secrets, with the id of the key that sealed it), and one row per notification event ever
 * enqueued: its primary key is what makes each event go out once.
 */
export class Migration20261207150000 extends Migration {
  override name = "Migration20261207150000";

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "company" add column "notification_url" varchar(2048) null, add column "notification_secret_ciphertext" text null, add column "notification_secret_key_id" varchar(32) null;`,
    );
    this.addSql(
      `create table "notification_event" ("id" varchar(64) not null, "company_id" varchar(128) not null, "type" varchar(32) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "notification_event" add constraint "notification_event_company_id_foreign" foreign key ("company_id") references "company" ("id") on delete cascade;`,
    );
    this.addSql(`create index "notification_event_company_id_index" on "notification_event" ("company_id");`);
    this.addSql(`create index "notification_event_created_at_index" on "notification_event" ("created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "notification_event" cascade;`);
    this.addSql(
      `alter table "company" drop column "notification_url", drop column "notification_secret_ciphertext", drop column "notification_secret_key_id";`,
    );
  }
}
