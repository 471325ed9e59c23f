import type { EmployeeRecord } from "../../domain/sync/employee-record.js";

interface Kept {
  readonly version: string;
  readonly records: ReadonlyMap<string, EmployeeRecord>;
}

/**
 * The directory a company's last full sync read, kept under the directory version it was read at
 * (entities/directory-version.entity.ts: database triggers move it with every committed write to
 * the company's employees, by any writer and any replica). A resync that finds the version
 * unchanged plans against the kept records instead of reading and parsing 50,000 rows again,
 * which on embedded PGlite runs on the gateway's own thread.
 *
 * The caller reads the version before the rows: a write committed in between makes the rows newer
 * than the version they are kept under, so the next read misses; it never hits stale rows.
 * Least recently used companies go first once more than `maxEmployees` records are kept; a company
 * larger than that is not kept at all.
 */
export class DirectoryRecordCache {
  private readonly kept = new Map<string, Kept>();
  private size = 0;

  constructor(private readonly maxEmployees: number) {}

  get(companyId: string, version: string): ReadonlyMap<string, EmployeeRecord> | null {
    const entry = this.kept.get(companyId);
    if (entry === undefined) return null;
    // Moved to the back: the map's order is the order of last use.
    this.kept.delete(companyId);
    if (entry.version !== version) {
      this.size -= entry.records.size;
      return null;
    }
    this.kept.set(companyId, entry);
    return entry.records;
  }

  set(companyId: string, version: string, records: ReadonlyMap<string, EmployeeRecord>): void {
    this.forget(companyId);
    if (records.size > this.maxEmployees) return;
    for (const [oldest, entry] of this.kept) {
      if (this.size + records.size <= this.maxEmployees) break;
      this.kept.delete(oldest);
      this.size -= entry.records.size;
    }
    this.kept.set(companyId, { version, records });
    this.size += records.size;
  }

  forget(companyId: string): void {
    const entry = this.kept.get(companyId);
    if (entry === undefined) return;
    this.kept.delete(companyId);
    this.size -= entry.records.size;
  }

  /** Records kept, all companies together. */
  get employees(): number {
    return this.size;
  }
}
