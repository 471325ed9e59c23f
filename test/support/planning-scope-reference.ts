import {
  emailKey,
  employeeNumberKey,
  type EmployeeRecord,
  type PlanningScope,
} from "../../src/domain/mapping/index.js";

/**
 * The rows of `directory` in `scope`, worked out from the whole directory: what
 * DirectoryStore.loadScope must return (its SQL is tested against this).
 */
export function selectScope(
  directory: ReadonlyMap<string, EmployeeRecord>,
  scope: PlanningScope,
): Map<string, EmployeeRecord> {
  const selected = new Map<string, EmployeeRecord>();
  const keys = new Set(scope.emailKeys);
  const numbers = new Set(scope.employeeNumberKeys);
  for (const id of scope.bobIds) {
    const record = directory.get(id);
    if (record === undefined) continue;
    selected.set(id, record);
    const old = emailKey(record.email);
    if (old !== null) keys.add(old);
    const oldNumber = employeeNumberKey(record.employeeNumber);
    if (oldNumber !== null) numbers.add(oldNumber);
  }
  for (const record of directory.values()) {
    const key = emailKey(record.email);
    if (key !== null && keys.has(key)) selected.set(record.bobId, record);
    const number = employeeNumberKey(record.employeeNumber);
    if (number !== null && numbers.has(number)) selected.set(record.bobId, record);
  }
  // Up each chain until a manager the directory does not have, or one already walked (a cycle).
  const walked = new Set<string>();
  for (const start of scope.managerBobIds) {
    let record = directory.get(start);
    while (record !== undefined && !walked.has(record.bobId)) {
      walked.add(record.bobId);
      selected.set(record.bobId, record);
      record = record.managerBobId === null ? undefined : directory.get(record.managerBobId);
    }
  }
  return selected;
}
