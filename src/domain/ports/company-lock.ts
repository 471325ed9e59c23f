/**
 * Serialises work on one company's directory across every gateway process: a full sync and a
 * webhook application never interleave, so no stale read overwrites a newer one.
 */
export interface CompanyLock {
  withLock<T>(companyId: string, work: () => Promise<T>): Promise<T>;
}
