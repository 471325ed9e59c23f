import { Migration } from "@mikro-orm/migrations";

/**
 * A delivery Bob (or anyone holding a signed body) sends again is no longer stored as a copy:
 * it is counted on the first record of that body.
 */
export class Migration20261207100000 extends Migration {
  override name = "Migration20261207100000";

  override up(): void | Promise<void> {
    this.addSql(`alter table "webhook_delivery" add column "replays" int not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "webhook_delivery" drop column "replays";`);
  }
}
