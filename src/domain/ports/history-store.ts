import type { HistoryRow } from "../history/employee-history.js";

/** Reads employees' history (written by DirectoryStore.applyBatch, in the same transaction as the change). */
export interface HistoryStore {
  /** Every stored row of each named employee, newest first; an employee without history is absent. */
  rowsOf(companyId: string, bobIds: readonly string[]): Promise<Map<string, HistoryRow[]>>;
}
