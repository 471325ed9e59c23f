import { defineEntity, p } from "@mikro-orm/core";

/**
 * A company's directory version: a counter that every committed write to the company's
 * employees, attributes or company row moves forward, in the writing transaction itself. Readers
 * that keep results (the GraphQL read cache) compare it with the version they kept a result
 * under; one indexed lookup tells every gateway process whether anything changed.
 *
 * Written only by database triggers (statement-level, with transition tables, so a batch of
 * 5,000 rows bumps the counter once), created by the migration that created this table:
 * `employee` and `attribute` on insert, update, delete and truncate, `company` on update. They
 * cover every writer (full sync, webhooks, admin mutations, SQL by hand) without the writers
 * knowing. No foreign key: a company's rows may be deleted by cascade while its counter moves.
 */
export const DirectoryVersionSchema = defineEntity({
  name: "DirectoryVersion",
  tableName: "directory_version",
  properties: {
    companyId: p.string().length(128).primary(),
    version: p.bigint().default(0),
  },
});

export class DirectoryVersion extends DirectoryVersionSchema.class {}
DirectoryVersionSchema.setClass(DirectoryVersion);
