import { Migration } from "@mikro-orm/migrations";

/**
 * Connection health: a credential Bob refused during a sync or webhook application is marked
 * (NEEDS_RECONNECT) until an admin connects again; a run counts the employees it had to change
 * although real-time updates were on (drift the webhooks missed).
 */
export class Migration20261207160000 extends Migration {
  override name = "Migration20261207160000";

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "bob_connection" add column "refused_reason" text null, add column "refused_at" timestamptz null;`,
    );
    this.addSql(`alter table "sync_run" add column "drift_repaired" int not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sync_run" drop column "drift_repaired";`);
    this.addSql(`alter table "bob_connection" drop column "refused_reason", drop column "refused_at";`);
  }
}
