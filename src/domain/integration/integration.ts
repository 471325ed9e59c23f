import type { IntegrationWarning } from "../mapping/field-visibility.js";

export type IntegrationStatus = "NOT_ENABLED" | "DISCONNECTED" | "CONNECTED" | "NEEDS_RECONNECT";
export type CredentialKind = "ACCESS_TOKEN" | "SERVICE_USER";

export interface SyncSettings {
  /** A full sync that would delete more than this share of the synced employees is HELD. */
  readonly deletionSafeguardPercent: number;
  /** Full reconciliation sync every N hours; null = off. */
  readonly reconcileEveryHours: number | null;
  /** IANA zone whose calendar day is the company's "today" (lifecycle, surveyable, tenure). */
  readonly timeZone: string;
  /** Where signed notifications go (domain/notifications); null = none. */
  readonly notificationUrl: string | null;
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  deletionSafeguardPercent: 20,
  reconcileEveryHours: null,
  timeZone: "UTC",
  notificationUrl: null,
};

/** What is stored about a company's integration; never holds a secret in clear. */
export interface IntegrationRecord {
  readonly companyId: string;
  readonly enabled: boolean;
  readonly settings: SyncSettings;
  readonly connection: {
    readonly credentialKind: CredentialKind;
    readonly tokenHint: string;
    readonly connectedAt: Date;
    readonly webhookKey: string;
    readonly hasHookSecret: boolean;
    /** What the credential was last found unable to see. */
    readonly warnings: readonly IntegrationWarning[];
    /** Why Bob refused the stored credential since it was stored; null while it works. */
    readonly refusedReason: string | null;
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
  readonly warnings: readonly IntegrationWarning[];
  /** The notification signing secret, only in the answer of the change that set a new notification URL (shown once). */
  readonly notificationSecret: string | null;
}

export function integrationView(record: IntegrationRecord, publicUrl: string): IntegrationView {
  const status: IntegrationStatus = !record.enabled
    ? "NOT_ENABLED"
    : !record.connection
      ? "DISCONNECTED"
      : record.connection.refusedReason !== null
        ? "NEEDS_RECONNECT"
        : "CONNECTED";
  // NEEDS_RECONNECT keeps the credential's facts and the webhook URL: Bob still sends to it, and
  // what arrives waits for the admin to connect again.
  const connection = status === "CONNECTED" || status === "NEEDS_RECONNECT" ? record.connection : null;
  return {
    status,
    credentialKind: connection?.credentialKind ?? null,
    tokenHint: connection?.tokenHint ?? null,
    connectedAt: connection?.connectedAt ?? null,
    webhookUrl: connection ? `${publicUrl}/webhooks/bob/${connection.webhookKey}` : null,
    realTimeUpdates: connection?.hasHookSecret ?? false,
    settings: record.settings,
    warnings: connection?.warnings ?? [],
    notificationSecret: null,
  };
}
