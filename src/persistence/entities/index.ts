import { Attribute } from "./attribute.entity.js";
import { BobConnection } from "./bob-connection.entity.js";
import { BobRateLane } from "./bob-rate-lane.entity.js";
import { Company } from "./company.entity.js";
import { DirectoryVersion } from "./directory-version.entity.js";
import { Employee } from "./employee.entity.js";
import { EmployeeHistory } from "./employee-history.entity.js";
import { FieldMappingOverride } from "./field-mapping-override.entity.js";
import { NotificationEvent } from "./notification-event.entity.js";
import { SyncChangePage, SyncIssueRow, SyncRun } from "./sync-run.entity.js";
import { WebhookDelivery } from "./webhook-delivery.entity.js";

/** Every entity the ORM knows; the migrations are generated from exactly this list. */
export const ENTITIES = [
  Company,
  Attribute,
  BobConnection,
  Employee,
  SyncRun,
  SyncIssueRow,
  SyncChangePage,
  WebhookDelivery,
  DirectoryVersion,
  EmployeeHistory,
  FieldMappingOverride,
  NotificationEvent,
  BobRateLane,
];
export {
  Attribute,
  BobConnection,
  BobRateLane,
  Company,
  DirectoryVersion,
  Employee,
  EmployeeHistory,
  FieldMappingOverride,
  NotificationEvent,
  SyncChangePage,
  SyncIssueRow,
  SyncRun,
  WebhookDelivery,
};
