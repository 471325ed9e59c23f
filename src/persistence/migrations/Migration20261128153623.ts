import { Migration } from "@mikro-orm/migrations";

/**
 * The directory version (entities/directory-version.entity.ts) and the triggers that move it in
 * every transaction that writes a company's employees, attributes or company row. Statement-level
 * with transition tables: one upsert per statement, whatever the number of rows.
 */
export class Migration20261128153623 extends Migration {
  override name = "Migration20261128153623";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "directory_version" ("company_id" varchar(128) not null, "version" bigint not null default '0', primary key ("company_id"));`,
    );

    // Rows keyed by company_id (employee, attribute). An UPDATE bumps the old and the new company.
    this.addSql(`create function "directory_version_bump"() returns trigger language plpgsql as $$
begin
  if TG_OP = 'UPDATE' then
    insert into "directory_version" as v ("company_id", "version")
      select "company_id", 1 from "changed_rows" union select "company_id", 1 from "old_rows"
      on conflict ("company_id") do update set "version" = v."version" + 1;
  else
    insert into "directory_version" as v ("company_id", "version")
      select distinct "company_id", 1 from "changed_rows"
      on conflict ("company_id") do update set "version" = v."version" + 1;
  end if;
  return null;
end;
$$;`);
    // The company row itself (time zone, settings): keyed by id.
    this.addSql(`create function "directory_version_bump_company"() returns trigger language plpgsql as $$
begin
  insert into "directory_version" as v ("company_id", "version")
    select "id", 1 from "changed_rows" union select "id", 1 from "old_rows"
    on conflict ("company_id") do update set "version" = v."version" + 1;
  return null;
end;
$$;`);
    // TRUNCATE names no rows: every company moves.
    this.addSql(`create function "directory_version_bump_all"() returns trigger language plpgsql as $$
begin
  update "directory_version" set "version" = "version" + 1;
  return null;
end;
$$;`);
    for (const table of ["employee", "attribute"]) {
      this.addSql(
        `create trigger "${table}_directory_version_insert" after insert on "${table}" referencing new table as "changed_rows" for each statement execute function "directory_version_bump"();`,
      );
      this.addSql(
        `create trigger "${table}_directory_version_update" after update on "${table}" referencing old table as "old_rows" new table as "changed_rows" for each statement execute function "directory_version_bump"();`,
      );
      this.addSql(
        `create trigger "${table}_directory_version_delete" after delete on "${table}" referencing old table as "changed_rows" for each statement execute function "directory_version_bump"();`,
      );
      this.addSql(
        `create trigger "${table}_directory_version_truncate" after truncate on "${table}" for each statement execute function "directory_version_bump_all"();`,
      );
    }
    this.addSql(
      `create trigger "company_directory_version_update" after update on "company" referencing old table as "old_rows" new table as "changed_rows" for each statement execute function "directory_version_bump_company"();`,
    );
  }

  override down(): void | Promise<void> {
    for (const table of ["employee", "attribute"]) {
      for (const event of ["insert", "update", "delete", "truncate"])
        this.addSql(`drop trigger if exists "${table}_directory_version_${event}" on "${table}";`);
    }
    this.addSql(`drop trigger if exists "company_directory_version_update" on "company";`);
    this.addSql(`drop function if exists "directory_version_bump"();`);
    this.addSql(`drop function if exists "directory_version_bump_company"();`);
    this.addSql(`drop function if exists "directory_version_bump_all"();`);
    this.addSql(`drop table if exists "directory_version" cascade;`);
  }
}
