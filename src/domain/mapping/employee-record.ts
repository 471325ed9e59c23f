/**
 * The Peakon side of one employee: what the sync stores and compares. Built from a Bob person by
 * mapPerson; the planner decides which records to create, update or delete.
 */
export interface EmployeeRecord {
  readonly bobId: string;
  /** Employee ID (Bob's employeeIdInCompany). */
  readonly employeeNumber: string | null;
  readonly firstName: string;
  readonly lastName: string;
  /** As Bob gives it; compared case-insensitively when looking for duplicates. */
  readonly email: string | null;
  readonly managerBobId: string | null;
  /** Calendar dates, YYYY-MM-DD. */
  readonly startDate: string | null;
  readonly birthDate: string | null;
  readonly separationDate: string | null;
  readonly separationReason: string | null;
  /** Bob lifecycle "garden leave", or a last day of work before the termination date. */
  readonly gardenLeave: boolean;
  /** Canonical value of every mapped attribute that has one, standard and custom, by attribute id. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** The record fields that are not attributes, with the name the change log gives them. */
export const RECORD_FIELD_NAMES = {
  employeeNumber: "Employee ID",
  firstName: "First name",
  lastName: "Last name",
  email: "Email",
  managerBobId: "Manager",
  startDate: "Tenure",
  birthDate: "Age",
  separationDate: "Separation date",
  separationReason: "Separation reason",
  gardenLeave: "Garden leave",
} as const satisfies Record<Exclude<keyof EmployeeRecord, "bobId" | "attributes">, string>;

export type RecordField = keyof typeof RECORD_FIELD_NAMES;

export const RECORD_FIELDS = Object.keys(RECORD_FIELD_NAMES) as RecordField[];

/** Lower-cased and trimmed: the key under which two emails are the same person's. */
export function emailKey(email: string | null): string | null {
  if (email === null) return null;
  const key = email.trim().toLowerCase();
  return key === "" ? null : key;
}

export function sameRecord(a: EmployeeRecord, b: EmployeeRecord): boolean {
  if (a.bobId !== b.bobId) return false;
  for (const field of RECORD_FIELDS) if (a[field] !== b[field]) return false;
  return sameAttributes(a.attributes, b.attributes);
}

/** The same ids with the same values; allocation-free, since a resync asks it once per employee. */
function sameAttributes(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key] || !Object.hasOwn(b, key)) return false;
  return true;
}

/** Attribute ids whose value differs, including ones set on one side only; sorted. */
export function changedAttributeIds(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...ids].filter((id) => before[id] !== after[id]).sort();
}
