import type { IntegrationWarning } from "../sync/field-visibility.js";

export type IntegrationStatus = "NOT_ENABLED" | "DISCONNECTED" | "CONNECTED";
export type CredentialKind = "ACCESS_TOKEN" | "SERVICE_USER";

export interface SyncSettings {
  /** A full sync that would delete more than this share of the synced employees is HELD. */
  readonly deletionSafeguardPercent: number;
  /** Full reconciliation sync every N hours; null = off. */
  readonly reconcileEveryHours: number | null;
  /** IANA zone whose calendar day is the company's "today" (lifecycle, surveyable, tenure). */
  readonly timeZone: string;
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = { deletionSafeguardPercent: 20, reconcileEveryHours: null, timeZone: "UTC" };

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
    warnings: connection?.warnings ?? [],
  };
}
