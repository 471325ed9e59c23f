import { employeeNumberKey } from "./duplicate-employee-ids.js";
import { emailKey, type EmployeeRecord } from "./employee-record.js";

/**
 * The part of a directory that planning a partial fetch (a webhook drain) can look at, so a
 * drain that names a few employees reads those rows instead of the whole company (50,000 rows
 * and a 50,000-employee plan per drain otherwise, on the thread that also answers webhooks).
 *
 * With fetchComplete false the planner keeps every employee it was not given, so it only asks
 * the directory about: the named employees themselves (before, deleted or skipped); who holds
 * the email or Employee ID a fetched employee will have, or the one it had (a skipped employee
 * keeps its old ones); and the managers above each fetched employee's new manager, up the chain
 * as the directory has it (whether each exists, and any reporting cycle through a fetched employee).
 * Plans over this scope write the same records as plans over the whole directory; only the
 * order of their issues may differ.
 */
export interface PlanningScope {
  /** Named employees: fetched, skipped while mapping, or deleted in Bob. */
  readonly bobIds: readonly string[];
  /** emailKey() of every fetched email: rows holding one are in scope. */
  readonly emailKeys: readonly string[];
  /** employeeNumberKey() of every fetched Employee ID: rows holding one are in scope. */
  readonly employeeNumberKeys: readonly string[];
  /** New managers of the fetched employees: they and everyone above them are in scope. */
  readonly managerBobIds: readonly string[];
}

export function planningScope(namedBobIds: readonly string[], fetched: readonly EmployeeRecord[]): PlanningScope {
  const emailKeys = new Set<string>();
  const employeeNumberKeys = new Set<string>();
  const managers = new Set<string>();
  for (const record of fetched) {
    const key = emailKey(record.email);
    if (key !== null) emailKeys.add(key);
    const number = employeeNumberKey(record.employeeNumber);
    if (number !== null) employeeNumberKeys.add(number);
    if (record.managerBobId !== null) managers.add(record.managerBobId);
  }
  return {
    bobIds: [...new Set([...namedBobIds, ...fetched.map((r) => r.bobId)])],
    emailKeys: [...emailKeys],
    employeeNumberKeys: [...employeeNumberKeys],
    managerBobIds: [...managers],
  };
}
