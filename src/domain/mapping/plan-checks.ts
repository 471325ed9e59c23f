import { sameRecord, type EmployeeRecord } from "./employee-record.js";
import type { SyncPlan } from "./plan.js";

/**
 * The share of the synced employees (in percent, 0-100) the plan would delete; the deletion
 * safeguard holds a full sync above the company's threshold. An empty directory: 0.
 */
export function countPlannedDeletionShare(plan: Pick<SyncPlan, "deletes">, directorySize: number): number {
  return directorySize <= 0 ? 0 : (plan.deletes.length / directorySize) * 100;
}

/**
 * Whether a HELD plan can still be applied as planned: every employee it updates or deletes is
 * still exactly as it was when planned, and nobody it creates has appeared since. If not, the
 * plan is stale and a fresh sync must plan again.
 */
export function fitsDirectory(
  plan: Pick<SyncPlan, "creates" | "updates" | "deletes">,
  directory: ReadonlyMap<string, EmployeeRecord>,
): boolean {
  const unchangedSincePlanned = (record: EmployeeRecord) => {
    const current = directory.get(record.bobId);
    return current !== undefined && sameRecord(current, record);
  };
  return (
    plan.updates.every((u) => unchangedSincePlanned(u.before)) &&
    plan.deletes.every(unchangedSincePlanned) &&
    plan.creates.every((r) => !directory.has(r.bobId))
  );
}
