import { Migration } from "@mikro-orm/migrations";

/**
 * A run's survey impact (who becomes and who stops being surveyable today because of its plan),
 * stored with its outcome; runs planned before this stay null.
 */
export class Migration20261207130000 extends Migration {
  override name = "Migration20261207130000";

  override up(): void | Promise<void> {
    this.addSql(`alter table "sync_run" add column "survey_impact" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sync_run" drop column "survey_impact";`);
  }
}
