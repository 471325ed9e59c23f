import { defineEntity, p } from "@mikro-orm/core";
import { Company } from "./company.entity.js";

/**
 * One delivery that arrived on a company's webhook URL, stored before it is acknowledged.
 * `bodyHash` identifies a delivery Bob sent again (same body): it is not stored again, only
 * counted in the first record's `replays`, so the original alone is applied. (Rows from before
 * that count, IGNORED copies with no hash, may remain.)
 */
export const WebhookDeliverySchema = defineEntity({
  name: "WebhookDelivery",
  tableName: "webhook_delivery",
  indexes: [
    { name: "webhook_delivery_company_seq_index", properties: ["company", "seq"] },
    { name: "webhook_delivery_pending_index", properties: ["company", "status"] },
    // Retention finds expired deliveries by it (Migration20261207110000).
    { name: "webhook_delivery_received_at_index", properties: ["receivedAt"] },
  ],
  uniques: [
    {
      name: "webhook_delivery_company_body_hash_unique",
      expression: `create unique index "webhook_delivery_company_body_hash_unique" on "webhook_delivery" ("company_id", "body_hash") where "body_hash" is not null`,
    },
  ],
  properties: {
    id: p.uuid().primary(),
    seq: p.integer().autoincrement(),
    company: () => p.manyToOne(Company).deleteRule("cascade"),
    receivedAt: p.datetime(),
    eventType: p.string().length(128),
    bobEmployeeId: p.string().length(64).nullable(),
    /** Every employee the event names (a v2 event names one; tolerated v1 shapes may differ). */
    employeeIds: p.json<string[]>(),
    status: p.string().length(16),
    error: p.text().nullable(),
    bodyHash: p.string().length(64).nullable(),
    appliedAt: p.datetime().nullable(),
    attempts: p.integer().default(0),
    /** How many times the same body arrived again after this record (none stored). */
    replays: p.integer().default(0),
    /** Issues of the employee it named (SyncIssue[]): why it was SKIPPED, or what was dropped. */
    issues: p.json<unknown>().nullable(),
  },
});

export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);
