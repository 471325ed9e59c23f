export type IntegrationStatus = "NOT_ENABLED" | "DISCONNECTED" | "CONNECTED";
export type CredentialKind = "ACCESS_TOKEN" | "SERVICE_USER";

export interface SyncSettings {
  /** A full sync that would delete more than this share of the synced employees is HELD. */
  readonly deletionSafeguardPercent: number;
  /** Full reconciliation sync every N hours; null = off. */
  readonly reconcileEveryHours: number | null;
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = { deletionSafeguardPercent: 20, reconcileEveryHours: null };

/** What is stored about a company's integration; never holds a secret in clear. */
export interface IntegrationRecord {
  readonly companyId: string;
  readonly enabled: boolean;
  readonly settings: SyncSettings;
  /** IANA zone whose calendar day is the company's "today". */
  readonly timeZone: string;
  readonly connection: {
    readonly credentialKind: CredentialKind;
    readonly tokenHint: string;
    readonly connectedAt: Date;
    readonly webhookKey: string;
    readonly hasHookSecret: boolean;
  } | null;
}

/** The integration as admins see it. */
export interface IntegrationView {
  readonly status: IntegrationStatus;
  readonly credentialKind: CredentialKind | null;
  readonly tokenHint: string | null;
  readonly connectedAt: Date | null;
  readonly webhookUrl: string | null;
  readonly realTimeUpdates: boolean;
  readonly settings: SyncSettings;
}

export function integrationView(record: IntegrationRecord, publicUrl: string): IntegrationView {
  const status: IntegrationStatus = !record.enabled ? "NOT_ENABLED" : record.connection ? "CONNECTED" : "DISCONNECTED";
  const connection = status === "CONNECTED" ? record.connection : null;
  return {
    status,
    credentialKind: connection?.credentialKind ?? null,
    tokenHint: connection?.tokenHint ?? null,
    connectedAt: connection?.connectedAt ?? null,
    webhookUrl: connection ? `${publicUrl}/webhooks/bob/${connection.webhookKey}` : null,
    realTimeUpdates: connection?.hasHookSecret ?? false,
    settings: record.settings,
  };
}
