import { Migration } from "@mikro-orm/migrations";

export class Migration20261128123529 extends Migration {
  override name = "Migration20261128123529";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "bob_connection" ("company_id" varchar(128) not null, "webhook_key" varchar(64) not null, "credential_kind" varchar(16) null, "credential_ciphertext" text null, "credential_key_id" varchar(32) null, "token_hint" varchar(8) null, "connected_at" timestamptz null, "hook_secret_ciphertext" text null, "hook_secret_key_id" varchar(32) null, primary key ("company_id"));`,
    );
    this.addSql(
      `alter table "bob_connection" add constraint "bob_connection_webhook_key_unique" unique ("webhook_key");`,
    );

    this.addSql(
      `alter table "bob_connection" add constraint "bob_connection_company_id_foreign" foreign key ("company_id") references "company" ("id") on update cascade on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "bob_connection" cascade;`);
  }
}
