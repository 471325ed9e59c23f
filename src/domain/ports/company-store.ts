import type { StandardAttributeSpec } from "../attributes/standard-attributes.js";
import type { IntegrationRecord, SyncSettings } from "../integration/integration.js";

export interface CompanyStore {
  /** Creates the company with its standard attributes if it does not exist yet (idempotent, race-safe). */
  ensureCompany(companyId: string, standardAttributes: readonly StandardAttributeSpec[]): Promise<void>;
  getIntegration(companyId: string): Promise<IntegrationRecord>;
  enableIntegration(companyId: string, at: Date): Promise<IntegrationRecord>;
  /**
   * Stores the settings; `notificationSecret` (sealed at rest) replaces the signing secret when
   * given, and is forgotten when settings.notificationUrl is null.
   */
  updateSettings(
    companyId: string,
    settings: SyncSettings,
    notificationSecret?: string | null,
  ): Promise<IntegrationRecord>;
  /**
   * Enabled, connected companies with reconciliation on whose scheduled full sync is due at `now`:
   * one slot per interval, at an offset fixed per company so that companies spread over it.
   */
  dueForReconciliation(now: Date): Promise<string[]>;
}
