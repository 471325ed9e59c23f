/**
 * Which Peakon attribute types a Bob field type can feed: the console's copy of the domain's table
 * (src/domain/mapping/field-compatibility.ts), which the browser build cannot import. It only narrows
 * the mapping tab's choices; the gateway checks every setFieldMapping itself.
 * test/domain/console-compatibility.test.ts keeps the two equal.
 */
export const COMPATIBLE_TYPES: Readonly<Record<string, readonly string[]>> = {
  text: ["TEXT", "OPTION"],
  "text-area": ["TEXT", "OPTION"],
  list: ["OPTION", "TEXT"],
  "hierarchy-list": ["OPTION", "TEXT"],
  "multi-list": [],
  number: ["NUMBER", "TEXT"],
  currency: ["NUMBER"],
  date: ["DATE"],
  "short-date": ["TEXT"],
  time: ["TEXT"],
  boolean: ["OPTION", "TEXT"],
  "employee-reference": ["EMPLOYEE"],
  document: [],
};

export function canFeed(bobType: string, attributeType: string): boolean {
  return Object.hasOwn(COMPATIBLE_TYPES, bobType) && (COMPATIBLE_TYPES[bobType] ?? []).includes(attributeType);
}

/**
 * Bob fields whose mapping is fixed (the console's copy of the domain's standard and reserved field
 * ids, src/domain/mapping/standard-fields.ts): standard fields feed the directory's identity and
 * dates, reserved ones the sync itself. The mapping tab offers no override for them.
 */
export const FIXED_FIELD_IDS: ReadonlySet<string> = new Set([
  "root.firstName",
  "root.surname",
  "root.email",
  "work.employeeIdInCompany",
  "work.reportsTo",
  "work.manager",
  "personal.birthDate",
  "home.legalGender",
  "personal.gender",
  "work.title",
  "work.startDate",
  "work.site",
  "work.department",
  "payroll.employment.type",
  "internal.terminationDate",
  "internal.terminationReason",
  "root.id",
  "root.companyId",
  "root.displayName",
  "root.fullName",
  "root.avatarUrl",
  "root.creationDateTime",
  "internal.status",
  "internal.lifecycleStatus",
  "employee.lastDayOfWork",
  "work.reportsToIdInCompany",
  "work.tenureDuration",
  "personal.shortBirthDate",
]);
