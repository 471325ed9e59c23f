/** Shapes of the GraphQL answers the console asks for (schema/schema.graphql). */

export type IntegrationStatus = "NOT_ENABLED" | "DISCONNECTED" | "CONNECTED" | "NEEDS_RECONNECT";
export type SyncPhase = "QUEUED" | "FETCHING" | "PLANNING" | "APPLYING" | "DONE";
export type SyncRunStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "PARTIAL" | "FAILED" | "HELD";

export interface Counts {
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  skipped: number;
}

export interface RunSummary {
  id: string;
  status: SyncRunStatus;
  phase: SyncPhase;
  dryRun: boolean;
  trigger: "MANUAL" | "SCHEDULED";
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  counts: Counts;
}

export interface Issue {
  bobEmployeeId: string | null;
  email: string | null;
  code: string;
  message: string;
}

export interface Change {
  action: "CREATE" | "UPDATE" | "DELETE";
  bobEmployeeId: string;
  email: string | null;
  fields: string[];
}

export interface RunDetail extends RunSummary {
  issues: Issue[];
  changes: Change[];
}

export interface Integration {
  status: IntegrationStatus;
  credentialKind: "ACCESS_TOKEN" | "SERVICE_USER" | null;
  tokenHint: string | null;
  connectedAt: string | null;
  webhookUrl: string | null;
  realTimeUpdates: boolean;
  settings: { deletionSafeguardPercent: number; reconcileEveryHours: number | null; notificationUrl: string | null };
  /** Only in the answer that set a new notification URL (shown once). */
  notificationSecret?: string | null;
  warnings: { code: string; message: string; bobFieldId: string | null }[];
  health: Health;
  lastSyncRun: RunSummary | null;
}

export interface Health {
  lastSuccessfulSyncAt: string | null;
  lastDeliveryAt: string | null;
  deliveriesLast24h: number;
  failedDeliveriesLast24h: number;
  driftRepairedLast7Days: number;
  needsReconnectReason: string | null;
}

export interface Progress {
  runId: string;
  status: SyncRunStatus;
  phase: SyncPhase;
  processed: number;
  total: number | null;
  counts: Counts;
}

export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

export const COUNTS = "counts { fetched created updated deleted unchanged skipped }";
export const RUN_SUMMARY = `id status phase dryRun trigger queuedAt startedAt finishedAt error ${COUNTS}`;
export const INTEGRATION = `status credentialKind tokenHint connectedAt webhookUrl realTimeUpdates
  settings { deletionSafeguardPercent reconcileEveryHours notificationUrl } warnings { code message bobFieldId } lastSyncRun { ${RUN_SUMMARY} }
  health { lastSuccessfulSyncAt lastDeliveryAt deliveriesLast24h failedDeliveriesLast24h driftRepairedLast7Days needsReconnectReason }`;
export const PROGRESS = `runId status phase processed total ${COUNTS}`;
