import type { DeliveryOutcome, DeliveryRecord } from "../ports/delivery-store.js";
import { RECORD_SKIPPING_CODES, type SyncIssue } from "../mapping/sync-issue.js";

/**
 * What each drained delivery came to, from the plan's issues: a delivery whose employee the plan
 * skipped is SKIPPED with that employee's issues; one whose employee was applied is APPLIED, with
 * the issues of what was dropped (a value, a manager link). An employee Bob did not return while
 * a record without an id could not be read may be that record: its delivery is SKIPPED with that
 * problem, never reported applied.
 */
export function deliveryOutcomes(
  pending: readonly DeliveryRecord[],
  issues: readonly SyncIssue[],
  returned: ReadonlySet<string>,
): DeliveryOutcome[] {
  const byEmployee = new Map<string, SyncIssue[]>();
  const anonymous: SyncIssue[] = [];
  for (const issue of issues) {
    if (issue.bobEmployeeId === null) {
      if (RECORD_SKIPPING_CODES.has(issue.code)) anonymous.push(issue);
      continue;
    }
    const list = byEmployee.get(issue.bobEmployeeId);
    if (list === undefined) byEmployee.set(issue.bobEmployeeId, [issue]);
    else list.push(issue);
  }
  return pending.map((delivery) => {
    const own = delivery.employeeIds.flatMap((id) => byEmployee.get(id) ?? []);
    const unreadable =
      anonymous.length > 0 &&
      delivery.eventType !== "employee.deleted" &&
      delivery.employeeIds.some((id) => !returned.has(id));
    const skipped = unreadable || own.some((issue) => RECORD_SKIPPING_CODES.has(issue.code));
    return {
      id: delivery.id,
      status: skipped ? "SKIPPED" : "APPLIED",
      issues: unreadable ? [...own, ...anonymous] : own,
    };
  });
}
