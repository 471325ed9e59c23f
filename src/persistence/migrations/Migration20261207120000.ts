import { Migration } from '@mikro-orm/migrations';

/** Per-employee history: every change the gateway applies, with its cause (domain/history). */
export class Migration20261207120000 extends Migration {

  override name = 'Migration20261207120000';

  override up(): void | Promise<void> {
    this.addSql(`create table "employee_history" ("id" bigserial primary key, "company_id" varchar(128) not null, "bob_id" varchar(64) not null, "at" timestamptz not null, "action" varchar(8) not null, "cause" varchar(16) not null, "run_id" uuid null, "delivery_id" uuid null, "fields" jsonb null);`);
    this.addSql(`create index "employee_history_company_bob_id_index" on "employee_history" ("company_id", "bob_id", "id");`);
    this.addSql(`create index "employee_history_at_index" on "employee_history" ("at");`);
    this.addSql(`alter table "employee_history" add constraint "employee_history_company_id_foreign" foreign key ("company_id") references "company" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "employee_history" cascade;`);
  }

}
