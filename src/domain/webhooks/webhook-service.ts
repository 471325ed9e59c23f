import { requireRole, type Caller } from "../caller.js";
import { DomainError, badInput } from "../errors.js";
import { pageSize } from "../paging.js";
import { isStorableText } from "../text.js";
import { integrationView, type IntegrationView } from "../integration/integration.js";
import { requireEnabled } from "../integration/integration-service.js";
import { newWebhookKey } from "../integration/connection-service.js";
import type { CompanyStore } from "../ports/company-store.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { DeliveryPage, DeliveryStore } from "../ports/delivery-store.js";

export const MAX_HOOK_SECRET_BYTES = 1024;

/** The admin's side of real-time updates: Bob's hook secret, and what arrived. */
export class WebhookService {
  constructor(
    private readonly companies: CompanyStore,
    private readonly connections: ConnectionStore,
    private readonly deliveries: DeliveryStore,
    private readonly publicUrl = "",
  ) {}

  async setHookSecret(caller: Caller, secret: string): Promise<IntegrationView> {
    requireRole(caller, "ADMIN", "set the hook secret");
    const record = await this.companies.getIntegration(caller.companyId);
    requireEnabled(record);
    if (!record.connection) throw new DomainError("NOT_CONNECTED", "Connect Bob before setting the hook secret.");
    if (Buffer.byteLength(secret, "utf8") > MAX_HOOK_SECRET_BYTES)
      throw badInput("The hook secret is longer than 1 KiB; paste only the secret Bob shows.", "secret");
    const trimmed = secret.trim();
    if (trimmed === "") throw badInput("The hook secret must not be empty.", "secret");
    if (!isStorableText(trimmed)) throw badInput("The hook secret must not contain control characters.", "secret");
    await this.connections.saveHookSecret(caller.companyId, trimmed);
    return integrationView(await this.companies.getIntegration(caller.companyId), this.publicUrl);
  }

  /**
   * A new unguessable key for the company's webhook URL: from then on the old URL answers 404
   * (a leaked URL stops working). The hook secret stays; Bob must be given the new URL.
   */
  async rotateWebhookUrl(caller: Caller): Promise<IntegrationView> {
    requireRole(caller, "ADMIN", "rotate the webhook URL");
    const record = await this.companies.getIntegration(caller.companyId);
    requireEnabled(record);
    if (!record.connection || !(await this.connections.replaceWebhookKey(caller.companyId, newWebhookKey()))) {
      throw new DomainError("NOT_CONNECTED", "Connect Bob before rotating the webhook URL.");
    }
    return integrationView(await this.companies.getIntegration(caller.companyId), this.publicUrl);
  }

  deliveriesOf(caller: Caller, first: number | null, after: string | null): Promise<DeliveryPage> {
    return this.deliveries.list(caller.companyId, pageSize(first, 50), after);
  }
}
