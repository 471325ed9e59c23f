import { Migration } from "@mikro-orm/migrations";

/**
 * One Bob rate-limit budget per credential across replicas (persistence/stores/shared-rate-window.ts):
 * each lane ("credential|endpoint") keeps the start times of its calls in the rolling window.
 */
export class Migration20261207170000 extends Migration {
  override name = "Migration20261207170000";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "bob_rate_lane" ("key" varchar(200) not null, "stamps" bigint[] not null, "paused_until" bigint not null default 0, "taken_by" uuid null, constraint "bob_rate_lane_pkey" primary key ("key"));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "bob_rate_lane" cascade;`);
  }
}
