import { Migration } from "@mikro-orm/migrations";

/**
 * Each employee's source fingerprint (domain/mapping/source-fingerprint.ts): which Bob bytes, under
 * which mapping context, its record is exactly the mapping of. Existing rows have none and are
 * mapped as before until a sync stores one.
 */
export class Migration20261130144216 extends Migration {
  override name = "Migration20261130144216";

  override up(): void | Promise<void> {
    this.addSql(`alter table "employee" add "source_fingerprint" varchar(128) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "employee" drop column "source_fingerprint";`);
  }
}
