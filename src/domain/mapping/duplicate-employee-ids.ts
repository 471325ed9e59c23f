import { EMAIL_KEY, findDuplicateKeys, type DuplicateEmailInput, type UniqueKey } from "./duplicate-emails.js";
import type { SyncIssue } from "./sync-issue.js";

/**
 * Trimmed and otherwise exact (an id: case and leading zeros count): the key under which two
 * Employee IDs (Bob's work.employeeIdInCompany) are the same; null, which never clashes, when blank.
 */
export function employeeNumberKey(employeeNumber: string | null): string | null {
  if (employeeNumber === null) return null;
  const key = employeeNumber.trim();
  return key === "" ? null : key;
}

export const EMPLOYEE_ID_KEY: UniqueKey = {
  code: "DUPLICATE_EMPLOYEE_ID",
  keyOf: (record) => employeeNumberKey(record.employeeNumber),
  describe: (_record, key) => `Employee ID "${key}"`,
};

/**
 * Which fetched records must be skipped so that no two employees share an email or an Employee ID
 * once the plan is applied: DUPLICATE_EMAIL and DUPLICATE_EMPLOYEE_ID issues by Bob id. Per
 * Employee ID, exactly as per email (see findDuplicateEmails): an employee the sync leaves alone
 * keeps it; otherwise the fetched record already holding it in the directory; otherwise the
 * smallest Bob id; the later ones are skipped, and a skipped directory employee keeps both its
 * old email and its old Employee ID. Someone skipped for one of the two holds neither against
 * anyone (see findDuplicateKeys); someone losing both at once is reported for the email.
 */
export function findDuplicateIdentities(input: DuplicateEmailInput): Map<string, SyncIssue> {
  return findDuplicateKeys(input, [EMAIL_KEY, EMPLOYEE_ID_KEY]);
}
