import type { DirectoryBatch, SourceFingerprintEntry } from "../../domain/ports/directory-store.js";
import type { EmployeeRecord } from "../../domain/mapping/employee-record.js";
import { withSourceFingerprint } from "../../domain/mapping/source-fingerprint.js";

interface Kept {
  version: string;
  /** Handed out to callers: never changed once it has been. */
  records: ReadonlyMap<string, EmployeeRecord>;
  /** Batches committed since `records` was made, applied to a copy when next asked for. */
  pending: DirectoryBatch[];
  /** records.size plus every pending upsert: what counts against the limit. */
  size: number;
}

/**
 * The directory a company's last full sync read, kept under the directory version it was read at
 * (entities/directory-version.entity.ts: database triggers move it with every committed write to
 * the company's employees, by any writer and any replica). A resync that finds the version
 * unchanged plans against the kept records instead of reading and parsing 50,000 rows again.
 *
 * The caller reads the version before the rows: a write committed in between makes the rows newer
 * than the version they are kept under, so the next read misses; it never hits stale rows. A batch
 * this process commits itself moves the kept directory along with it (`patch`), but only from the
 * exact version it was kept under to the one the batch's own transaction ended at.
 * Least recently used companies go first once more than `maxEmployees` records are kept; a company
 * larger than that is not kept at all.
 */
export class DirectoryRecordCache {
  /** get() answered from memory, or not (metrics). */
  readonly stats = { hits: 0, misses: 0 };
  private readonly kept = new Map<string, Kept>();
  private total = 0;

  constructor(private readonly maxEmployees: number) {}

  get(companyId: string, version: string): ReadonlyMap<string, EmployeeRecord> | null {
    const records = this.read(companyId, version);
    if (records === null) this.stats.misses++;
    else this.stats.hits++;
    return records;
  }

  private read(companyId: string, version: string): ReadonlyMap<string, EmployeeRecord> | null {
    const entry = this.kept.get(companyId);
    if (entry === undefined) return null;
    if (entry.version !== version) {
      this.forget(companyId);
      return null;
    }
    // Moved to the back: the map's order is the order of last use.
    this.kept.delete(companyId);
    this.kept.set(companyId, entry);
    if (entry.pending.length > 0) {
      const records = new Map(entry.records);
      for (const batch of entry.pending) {
        for (const bobId of batch.deletes) records.delete(bobId);
        for (const record of batch.updates) records.set(record.bobId, record);
        for (const record of batch.creates) records.set(record.bobId, record);
      }
      this.total += records.size - entry.size;
      Object.assign(entry, { records, pending: [], size: records.size });
    }
    return entry.records;
  }

  set(companyId: string, version: string, records: ReadonlyMap<string, EmployeeRecord>): void {
    this.forget(companyId);
    if (records.size > this.maxEmployees) return;
    this.makeRoom(records.size);
    this.kept.set(companyId, { version, records, pending: [], size: records.size });
    this.total += records.size;
  }

  /**
   * A batch this process committed, whose transaction found the directory at `from` before its
   * first write and left it at `to`. Kept records at exactly `from` move to `to` with it; anything
   * else stays as it is and misses on its next read.
   */
  patch(companyId: string, from: string, to: string, batch: DirectoryBatch): void {
    const entry = this.kept.get(companyId);
    if (entry === undefined || entry.version !== from) return;
    const grows = batch.updates.length + batch.creates.length;
    if (entry.size + grows > this.maxEmployees) {
      this.forget(companyId);
      return;
    }
    entry.version = to;
    entry.pending.push(batch);
    entry.size += grows;
    this.total += grows;
    this.kept.delete(companyId);
    this.kept.set(companyId, entry);
    this.makeRoom(0);
  }

  /**
   * New source fingerprints this process committed (a record that stays as it is, from bytes Bob
   * now sends differently): the kept records get them as copies, as `patch` would.
   */
  patchFingerprints(companyId: string, from: string, to: string, entries: readonly SourceFingerprintEntry[]): void {
    if (this.kept.get(companyId)?.version !== from) return;
    const records = this.read(companyId, from);
    if (records === null) return;
    const updates: EmployeeRecord[] = [];
    for (const { bobId, fingerprint } of entries) {
      const record = records.get(bobId);
      // Not kept: the database updated no such row either, unless the kept records are wrong.
      if (record !== undefined) updates.push(withSourceFingerprint({ ...record }, fingerprint));
    }
    this.patch(companyId, from, to, { deletes: [], updates, creates: [] });
  }

  forget(companyId: string): void {
    const entry = this.kept.get(companyId);
    if (entry === undefined) return;
    this.kept.delete(companyId);
    this.total -= entry.size;
  }

  /** Records kept, all companies together (pending upserts counted as added). */
  get employees(): number {
    return this.total;
  }

  /** Drops least recently used companies until `more` records fit. */
  private makeRoom(more: number): void {
    for (const [companyId] of this.kept) {
      if (this.total + more <= this.maxEmployees) return;
      this.forget(companyId);
    }
  }
}
