import type { AttributeService } from "./domain/attributes/attribute-service.js";
import type { HistoryService } from "./domain/history/history-service.js";
import type { HealthService } from "./domain/integration/health-service.js";
import type { ConnectionService } from "./domain/integration/connection-service.js";
import type { FieldMappingService } from "./domain/integration/field-mapping-service.js";
import type { IntegrationService } from "./domain/integration/integration-service.js";
import type { SyncService } from "./domain/sync/sync-service.js";
import type { DirectoryService } from "./domain/directory/directory-service.js";
import type { SurveyService } from "./domain/survey/survey-service.js";
import type { ProgressBus } from "./domain/ports/progress-bus.js";
import type { WebhookService } from "./domain/webhooks/webhook-service.js";
import type { TenancyService } from "./domain/tenancy/tenancy-service.js";

/** The domain use cases the transports may call; built by the composition root (app.ts). */
export interface Services {
  readonly tenancy: TenancyService;
  readonly integration: IntegrationService;
  readonly attributes: AttributeService;
  readonly connection: ConnectionService;
  readonly sync: SyncService;
  readonly directory: DirectoryService;
  readonly fieldMappings: FieldMappingService;
  readonly progress: ProgressBus;
  readonly webhooks: WebhookService;
  readonly history: HistoryService;
  readonly health: HealthService;
  readonly survey: SurveyService;
}
