import { Migration } from "@mikro-orm/migrations";

/**
 * Field-mapping overrides (setFieldMapping): one per Bob field of a company, at most one Bob field
 * per attribute; attribute_id null excludes the field. Deleting the attribute drops its override.
 * A change moves the company's directory version (Migration20261128153623) like an attribute
 * change does: a sync fetch prefetched under the old overrides is then not used.
 */
export class Migration20261207140000 extends Migration {
  override name = "Migration20261207140000";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "field_mapping_override" ("id" bigserial primary key, "company_id" varchar(128) not null, "bob_field_id" varchar(255) not null, "attribute_id" uuid null, "updated_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "field_mapping_override" add constraint "field_mapping_override_company_field_unique" unique ("company_id", "bob_field_id");`,
    );
    this.addSql(
      `alter table "field_mapping_override" add constraint "field_mapping_override_company_attribute_unique" unique ("company_id", "attribute_id");`,
    );
    this.addSql(
      `alter table "field_mapping_override" add constraint "field_mapping_override_company_id_foreign" foreign key ("company_id") references "company" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "field_mapping_override" add constraint "field_mapping_override_attribute_id_foreign" foreign key ("attribute_id") references "attribute" ("id") on delete cascade;`,
    );
    this.addSql(
      `create trigger "field_mapping_override_directory_version_insert" after insert on "field_mapping_override" referencing new table as "changed_rows" for each statement execute function "directory_version_bump"();`,
    );
    this.addSql(
      `create trigger "field_mapping_override_directory_version_update" after update on "field_mapping_override" referencing old table as "old_rows" new table as "changed_rows" for each statement execute function "directory_version_bump"();`,
    );
    this.addSql(
      `create trigger "field_mapping_override_directory_version_delete" after delete on "field_mapping_override" referencing old table as "changed_rows" for each statement execute function "directory_version_bump"();`,
    );
    this.addSql(
      `create trigger "field_mapping_override_directory_version_truncate" after truncate on "field_mapping_override" for each statement execute function "directory_version_bump_all"();`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "field_mapping_override" cascade;`);
  }
}
