import { defineEntity, p } from "@mikro-orm/core";
import { Company } from "./company.entity.js";

/**
 * One notification event that was enqueued (domain/notifications): its id is derived from what
 * happened (the run, the day without a successful sync), so a second notify of the same event
 * finds the row and sends nothing.
 */
export const NotificationEventSchema = defineEntity({
  name: "NotificationEvent",
  tableName: "notification_event",
  properties: {
    id: p.string().length(64).primary(),
    company: () => p.manyToOne(Company).deleteRule("cascade").index(),
    type: p.string().length(32),
    createdAt: p.datetime().index(),
  },
});

export class NotificationEvent extends NotificationEventSchema.class {}
NotificationEventSchema.setClass(NotificationEvent);
