import { Migration } from "@mikro-orm/migrations";

/** Per-employee history: every change the gateway applies, with its cause (domain/history). */
export class Migration20261207120000 extends Migration {
  override name = "Migration20261207120000";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "employee_history" ("id" bigserial not null, "company_id" varchar(128) not null, "bob_id" varchar(64) not null, "at" timestamptz not null, "action" varchar(8) not null, "cause" varchar(16) not null, "run_id" uuid null, "delivery_id" uuid null, "fields" jsonb null);`,
    );
    this.addSql(
      `create index "employee_history_company_bob_id_index" on "employee_history" ("company_id", "bob_id", "id");`,
    );
    // Written on every apply, read one employee at a time: the one btree serves the reads and the
    // cursors (ids come from the sequence, unique without a constraint). Rows arrive in time order
    // and are only pruned by age: BRIN on "at". No primary-key index and no foreign key to company
    // (as for the runs and deliveries it names): each cost a per-row check on the 50,000 initial
    // sync (BENCHMARKS.md "History").
    this.addSql(`create index "employee_history_at_index" on "employee_history" using brin ("at");`);
    // Employee.history is read through the GraphQL read cache, which trusts the directory version:
    // pruning history (retention) moves it. Inserts need no trigger: they come with the employee
    // changes they record, which move it already.
    this.addSql(
      `create trigger "employee_history_directory_version_delete" after delete on "employee_history" referencing old table as "changed_rows" for each statement execute function "directory_version_bump"();`,
    );
    this.addSql(
      `create trigger "employee_history_directory_version_truncate" after truncate on "employee_history" for each statement execute function "directory_version_bump_all"();`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "employee_history" cascade;`);
  }
}
