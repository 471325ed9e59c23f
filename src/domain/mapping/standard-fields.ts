import type { StandardAttributeKey } from "../attributes/attribute.js";

/**
 * The standard Peakon <- Bob mappings by Bob field id, as Peakon's HiBob integration defines
 * them. Gender and Employment status need more than an id lookup: see field-mapping.ts.
 */
export const STANDARD_FIELD_KEYS: ReadonlyMap<string, StandardAttributeKey> = new Map<string, StandardAttributeKey>([
  ["root.firstName", "firstName"],
  ["root.surname", "lastName"],
  ["root.email", "email"],
  ["work.employeeIdInCompany", "employeeId"],
  ["work.reportsTo", "manager"],
  ["work.manager", "manager"],
  ["personal.birthDate", "age"],
  ["home.legalGender", "gender"],
  ["work.title", "title"],
  ["work.startDate", "tenure"],
  ["work.site", "office"],
  ["work.department", "department"],
  ["payroll.employment.type", "type"],
  ["internal.terminationDate", "separationDate"],
  ["internal.terminationReason", "separationReason"],
]);

/** Older tenants keep Gender here; it feeds Gender only when home.legalGender is absent. */
export const LEGACY_GENDER_FIELD_ID = "personal.gender";
export const LEGAL_GENDER_FIELD_ID = "home.legalGender";
/** Employment status has no fixed id across tenants: it is also recognised by this name. */
export const EMPLOYMENT_STATUS_FIELD_ID = "payroll.employment.type";
export const EMPLOYMENT_STATUS_NAME = "Employment status";

/**
 * When one Peakon attribute has several Bob sources, the value of the first source that has one
 * wins: Bob's reportsTo object is the documented manager field, work.manager the fallback.
 */
export const STANDARD_SOURCE_PRIORITY: readonly string[] = ["work.reportsTo", "work.manager"];

export const BOB_ID_FIELD_ID = "root.id";
export const LIFECYCLE_STATUS_FIELD_ID = "internal.lifecycleStatus";
export const LAST_DAY_OF_WORK_FIELD_ID = "employee.lastDayOfWork";

/**
 * Bob fields the sync reads or that Bob derives, which never feed an attribute. Each still
 * gets a row in the field-mapping report, with this reason.
 */
export const RESERVED_FIELD_REASONS: ReadonlyMap<string, string> = new Map([
  [BOB_ID_FIELD_ID, "Used by the sync itself (Bob id); not an attribute."],
  ["root.companyId", "Bob's own company id; not an attribute."],
  ["root.displayName", "Derived by Bob from the first name and surname, which are synced."],
  ["root.fullName", "Derived by Bob from the first name and surname, which are synced."],
  ["root.avatarUrl", "A picture link; Peakon has no attribute for it."],
  ["root.creationDateTime", "Bob's own bookkeeping (when the record was created); not an attribute."],
  ["internal.status", "Bob's login access (Active/Inactive); the sync uses start and termination dates instead."],
  [LIFECYCLE_STATUS_FIELD_ID, "Used by the sync itself (detects garden leave); not an attribute."],
  [LAST_DAY_OF_WORK_FIELD_ID, "Used by the sync itself (detects garden leave); not an attribute."],
  ["work.reportsToIdInCompany", "The manager is synced from Reports to; this copy is not needed."],
  ["work.tenureDuration", "Peakon derives Tenure from the start date, which is synced."],
  ["personal.shortBirthDate", "Peakon derives Age from the birth date, which is synced."],
]);

/** Field ids every fetch asks for, whatever the mapping: identity, names and lifecycle. */
export const ALWAYS_FETCHED_FIELD_IDS: readonly string[] = [
  BOB_ID_FIELD_ID,
  "root.firstName",
  "root.surname",
  "root.email",
  "work.startDate",
  "internal.terminationDate",
  "internal.terminationReason",
  LIFECYCLE_STATUS_FIELD_ID,
  LAST_DAY_OF_WORK_FIELD_ID,
];
