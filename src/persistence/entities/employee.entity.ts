import { randomUUID } from "node:crypto";
import { defineEntity, p } from "@mikro-orm/core";
import { Company } from "./company.entity.js";

/**
 * One employee of a company's Peakon directory, as the sync keeps it. Dates are calendar dates
 * (PostgreSQL `date`, read back as "YYYY-MM-DD" strings: never shifted by a time zone). The
 * manager is referenced by Bob id, so a run can create a manager and their reports in any order.
 * `attributes` holds every mapped attribute's canonical value by the attribute's slot (a short
 * number, see stores/attribute-slots.ts); the directory store reads and writes it by attribute id.
 */
export const EmployeeSchema = defineEntity({
  name: "Employee",
  tableName: "employee",
  uniques: [{ name: "employee_company_bob_id_unique", properties: ["company", "bobId"] }],
  indexes: [
    { name: "employee_company_order_index", properties: ["company", "lastName", "firstName", "id"] },
    { name: "employee_company_manager_index", properties: ["company", "managerBobId"] },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    company: () => p.manyToOne(Company).deleteRule("cascade"),
    bobId: p.string().length(64),
    employeeNumber: p.string().length(128).nullable(),
    firstName: p.string().length(256),
    lastName: p.string().length(256),
    email: p.string().length(320).nullable(),
    managerBobId: p.string().length(64).nullable(),
    startDate: p.string().columnType("date").nullable(),
    birthDate: p.string().columnType("date").nullable(),
    separationDate: p.string().columnType("date").nullable(),
    separationReason: p.string().length(256).nullable(),
    gardenLeave: p.boolean().default(false),
    attributes: p.json<Record<string, string>>(),
    /** Which Bob bytes, under which mapping context, the record is exactly the mapping of (domain/mapping/source-fingerprint.ts). */
    sourceFingerprint: p.string().length(128).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
});

export class Employee extends EmployeeSchema.class {}
EmployeeSchema.setClass(Employee);
