import { defineEntity, p } from "@mikro-orm/core";

/**
 * One change the gateway applied to one employee (domain/history): written in the transaction
 * that applied it, kept after the employee is deleted, pruned by retention. Company, run and delivery ids
 * are plain values, not foreign keys: a run may be pruned before the history that names it.
 */
export const EmployeeHistorySchema = defineEntity({
  name: "EmployeeHistory",
  tableName: "employee_history",
  indexes: [
    { name: "employee_history_company_bob_id_index", properties: ["companyId", "bobId", "id"] },
    {
      name: "employee_history_at_index",
      expression: `create index "employee_history_at_index" on "employee_history" using brin ("at")`,
    },
  ],
  properties: {
    id: p.bigint().primary().autoincrement(),
    /** The company's id, not a foreign key: a per-row check cost a third of the insert (migration). */
    companyId: p.string().length(128),
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
