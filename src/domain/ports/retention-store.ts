/**
 * Deletes personal data past its retention, one bounded batch at a time. The rules are the
 * domain's (retention-service.ts says when and how much); the adapter knows the tables:
 * - sync runs, with their issues and change pages, queued before the cutoff, except a run that
 *   is QUEUED, RUNNING or HELD and except each company's newest run (its last sync stays shown);
 * - webhook deliveries received before the cutoff, except those not applied yet (ACCEPTED);
 * - employee history recorded before the cutoff (once that table exists).
 */
export interface RetentionStore {
  /** The kinds of record purged, in the order they must be (children before their parents). */
  readonly targets: readonly string[];
  /** Deletes at most `limit` expired rows of `target` in one statement; returns how many it deleted. */
  deleteExpired(target: string, olderThan: Date, limit: number): Promise<number>;
}
