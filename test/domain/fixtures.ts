import type { Attribute, AttributeType } from "../../src/domain/attributes/attribute.js";
import { STANDARD_ATTRIBUTES } from "../../src/domain/attributes/standard-attributes.js";
import type { BobFieldDefinition } from "../../src/domain/ports/bob-api.js";
import type { EmployeeRecord } from "../../src/domain/mapping/index.js";

/** The 14 standard attributes, with ids "std-<key>". */
export const standardAttributes: Attribute[] = STANDARD_ATTRIBUTES.map((s) => ({
  id: `std-${s.key}`,
  name: s.name,
  type: s.type,
  standard: true,
  standardKey: s.key,
}));

export function customAttribute(name: string, type: AttributeType, id = `custom-${name}`): Attribute {
  return { id, name, type, standard: false, standardKey: null };
}

export function field(id: string, name: string, type: string, listId?: string): BobFieldDefinition {
  return {
    id,
    name,
    type,
    categoryId: id.split(".")[0] ?? "",
    jsonPath: id,
    ...(listId === undefined ? {} : { listId }),
  };
}

/** Bob's out-of-the-box fields as a typical tenant's metadata lists them. */
export const standardBobFields: BobFieldDefinition[] = [
  field("root.id", "Id", "text"),
  field("root.firstName", "First name", "text"),
  field("root.surname", "Last name", "text"),
  field("root.email", "Email", "text"),
  field("root.displayName", "Display name", "text"),
  field("root.fullName", "Full name", "text"),
  field("work.employeeIdInCompany", "Employee ID in company", "number"),
  field("work.reportsTo", "Reports to", "employee-reference"),
  field("work.manager", "Manager", "employee-reference"),
  field("personal.birthDate", "Birth date", "date"),
  field("home.legalGender", "Legal gender", "list", "legalGender"),
  field("work.title", "Title", "list", "title"),
  field("work.startDate", "Start date", "date"),
  field("work.site", "Site", "list", "site"),
  field("work.department", "Department", "list", "department"),
  field("payroll.employment.type", "Employment status", "list", "employmentType"),
  field("internal.terminationDate", "Termination date", "date"),
  field("internal.terminationReason", "Termination reason", "list", "terminationReason"),
  field("internal.status", "Status", "text"),
  field("internal.lifecycleStatus", "Lifecycle status", "text"),
  field("employee.lastDayOfWork", "Last day of work", "date"),
];

export function employee(bobId: string, overrides: Partial<EmployeeRecord> = {}): EmployeeRecord {
  return {
    bobId,
    employeeNumber: null,
    firstName: `First${bobId}`,
    lastName: `Last${bobId}`,
    email: `e${bobId}@acme.test`,
    managerBobId: null,
    startDate: "2020-01-01",
    birthDate: null,
    separationDate: null,
    separationReason: null,
    gardenLeave: false,
    attributes: {},
    ...overrides,
  };
}

export function directoryOf(...records: EmployeeRecord[]): Map<string, EmployeeRecord> {
  return new Map(records.map((r) => [r.bobId, r]));
}
