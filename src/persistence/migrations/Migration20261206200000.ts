import { Migration } from "@mikro-orm/migrations";

/**
 * Field visibility and honest webhook outcomes: a connection keeps the warnings of its last look
 * at what the credential can see (fields Bob sent for nobody), and a delivery keeps the issues of
 * the employee it named (SKIPPED, or applied with a dropped value).
 */
export class Migration20261206200000 extends Migration {
  override name = "Migration20261206200000";

  override up(): void | Promise<void> {
    this.addSql(`alter table "bob_connection" add column "field_warnings" jsonb null;`);
    this.addSql(`alter table "webhook_delivery" add column "issues" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "webhook_delivery" drop column "issues";`);
    this.addSql(`alter table "bob_connection" drop column "field_warnings";`);
  }
}
