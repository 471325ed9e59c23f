import type { ChangeCause, HistoryWrite } from "../history/employee-history.js";
import type { EmployeeRecord } from "../mapping/employee-record.js";
import type { Lifecycle } from "../mapping/lifecycle.js";
import type { PlanningScope } from "../mapping/planning-scope.js";

/** Employees whose lifecycle, derived against `today` (the company's calendar day), is one of `lifecycles`. */
export interface LifecycleFilter {
  readonly lifecycles: readonly Lifecycle[];
  readonly today: string;
}

export interface DirectoryBatch {
  readonly deletes: readonly string[];
  readonly updates: readonly EmployeeRecord[];
  readonly creates: readonly EmployeeRecord[];
  /**
   * New source fingerprints of employees whose record stays as it is (not in this batch; nothing
   * else about them changes), stored in the same transaction.
   */
  readonly fingerprints?: readonly SourceFingerprintEntry[];
  /** One history row per employee the batch writes, stored in the same transaction. */
  readonly history?: BatchHistory;
}

export interface BatchHistory {
  readonly cause: ChangeCause;
  readonly at: Date;
  readonly runId: string | null;
  readonly rows: readonly (HistoryWrite & { readonly deliveryId: string | null })[];
}

export interface SourceFingerprintEntry {
  readonly bobId: string;
  readonly fingerprint: string;
}

export interface DirectoryEmployee extends EmployeeRecord {
  readonly id: string;
}

/** An employee without its attribute values: what a reader needs of a manager or a referenced person. */
export type DirectoryPerson = Omit<DirectoryEmployee, "attributes">;

export interface EmployeePage {
  /** Each employee with the opaque cursor that continues after it. */
  readonly employees: { readonly cursor: string; readonly employee: DirectoryEmployee }[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
}

/** The Peakon employee directory of each company. */
export interface DirectoryStore {
  /** The company's directory version: it moves with every committed write to its employees, by anyone. */
  version(companyId: string): Promise<string>;
  /** Every employee of the company by Bob id; shared and kept between calls, never to be changed. */
  loadRecords(companyId: string): Promise<ReadonlyMap<string, EmployeeRecord>>;
  /**
   * loadRecords, with the version read before the records: they are the directory at that
   * version, or later (when a write came in between, and then the version has moved on).
   */
  loadVersionedRecords(
    companyId: string,
  ): Promise<{ readonly version: string; readonly records: ReadonlyMap<string, EmployeeRecord> }>;
  /**
   * The rows a partial plan can look at (see PlanningScope): the named employees, every holder of
   * one of the emails (as emailKey folds them) or Employee IDs (as employeeNumberKey trims them),
   * or of the email or Employee ID a named employee has, and each new manager with everyone above them.
   * More rows may come back, never fewer.
   */
  loadScope(companyId: string, scope: PlanningScope): Promise<Map<string, EmployeeRecord>>;
  /**
   * One transaction: deletes, then updates, then creates (a moved email never collides). Each
   * written record's source fingerprint (sync/source-fingerprint.ts) is stored with it, or none:
   * a row's fingerprint always describes the record it holds, and loaded records carry it.
   */
  applyBatch(companyId: string, batch: DirectoryBatch): Promise<void>;
  /** Ordered by last name, first name, id; a lifecycle filter carries the company's today it is derived against. */
  page(
    companyId: string,
    query: { first: number; after: string | null; lifecycles: LifecycleFilter | null },
  ): Promise<EmployeePage>;
  byBobIds(companyId: string, bobIds: readonly string[]): Promise<DirectoryEmployee[]>;
  /** As byBobIds, without the attribute values (not read, not parsed). */
  peopleByBobIds(companyId: string, bobIds: readonly string[]): Promise<DirectoryPerson[]>;
  /** Every employee of the company with its Peakon id, in one statement (survey population). */
  employeesOf(companyId: string): Promise<DirectoryEmployee[]>;
}
