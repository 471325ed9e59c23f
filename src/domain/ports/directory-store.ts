import type { EmployeeRecord } from "../sync/employee-record.js";
import type { Lifecycle } from "../sync/lifecycle.js";

export interface DirectoryBatch {
  readonly deletes: readonly string[];
  readonly updates: readonly EmployeeRecord[];
  readonly creates: readonly EmployeeRecord[];
}

export interface DirectoryEmployee extends EmployeeRecord {
  readonly id: string;
}

export interface EmployeePage {
  /** Each employee with the opaque cursor that continues after it. */
  readonly employees: { readonly cursor: string; readonly employee: DirectoryEmployee }[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
}

/** The Peakon employee directory of each company. */
export interface DirectoryStore {
  loadRecords(companyId: string): Promise<Map<string, EmployeeRecord>>;
  /** One transaction: deletes, then updates, then creates (a moved email never collides). */
  applyBatch(companyId: string, batch: DirectoryBatch): Promise<void>;
  /** Ordered by last name, first name, id; lifecycle filtering needs the company's today. */
  page(companyId: string, query: { first: number; after: string | null; lifecycles: readonly Lifecycle[] | null; today: string }): Promise<EmployeePage>;
  byBobIds(companyId: string, bobIds: readonly string[]): Promise<DirectoryEmployee[]>;
}
