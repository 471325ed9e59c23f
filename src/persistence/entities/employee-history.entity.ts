import { defineEntity, p } from "@mikro-orm/core";
import { Company } from "./company.entity.js";

/**
 * One change the gateway applied to one employee (domain/history): written in the transaction
 * that applied it, kept after the employee is deleted, pruned by retention. Run and delivery ids
 * are plain values, not foreign keys: a run may be pruned before the history that names it.
 */
export const EmployeeHistorySchema = defineEntity({
  name: "EmployeeHistory",
  tableName: "employee_history",
  indexes: [
    { name: "employee_history_company_bob_id_index", properties: ["company", "bobId", "id"] },
    { name: "employee_history_at_index", properties: ["at"] },
  ],
  properties: {
    id: p.bigint().primary().autoincrement(),
    company: () => p.manyToOne(Company).deleteRule("cascade"),
    bobId: p.string().length(64),
    at: p.datetime(),
    action: p.string().length(8),
    cause: p.string().length(16),
    runId: p.uuid().nullable(),
    deliveryId: p.uuid().nullable(),
    /** [key, before, after][]: record field or attribute id; null for a CREATE (derived on read). */
    fields: p.json<unknown>().nullable(),
  },
});

export class EmployeeHistory extends EmployeeHistorySchema.class {}
EmployeeHistorySchema.setClass(EmployeeHistory);
