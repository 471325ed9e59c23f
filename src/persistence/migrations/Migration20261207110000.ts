import { Migration } from "@mikro-orm/migrations";

/**
 * Retention (RETENTION_DAYS): the daily job finds expired runs by queue time and expired
 * deliveries by arrival time in bounded batches; without these indexes every batch would scan
 * the whole table.
 */
export class Migration20261207110000 extends Migration {
  override name = "Migration20261207110000";

  override up(): void | Promise<void> {
    this.addSql(`create index "sync_run_queued_at_index" on "sync_run" ("queued_at");`);
    this.addSql(`create index "webhook_delivery_received_at_index" on "webhook_delivery" ("received_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "webhook_delivery_received_at_index";`);
    this.addSql(`drop index "sync_run_queued_at_index";`);
  }
}
