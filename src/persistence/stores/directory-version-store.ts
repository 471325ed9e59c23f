import type { Database } from "../database.js";

export interface DirectoryVersionState {
  /** Moves forward with every committed write to the company's employees, attributes or row. */
  readonly version: string;
  readonly timeZone: string;
}

/**
 * The directory version (entities/directory-version.entity.ts) and the company's time zone in one
 * indexed lookup: what the GraphQL read cache needs to know, on every cacheable request, whether
 * a kept result is still current. A company nothing has written to yet is at version 0.
 */
export class SqlDirectoryVersionStore {
  constructor(private readonly db: Database) {}

  async current(companyId: string): Promise<DirectoryVersionState | null> {
    const rows = await this.db.query<{ time_zone: string; version: string | number }>(
      null,
      `select c.time_zone, coalesce(v.version, 0) as version
       from company c left join directory_version v on v.company_id = c.id
       where c.id = $1`,
      [companyId],
    );
    const row = rows[0];
    return row ? { version: String(row.version), timeZone: row.time_zone } : null;
  }
}
