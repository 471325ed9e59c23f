import { randomBytes } from "node:crypto";
import { requireRole, type Caller } from "../caller.js";
import { badInput } from "../errors.js";
import { isStorableText } from "../text.js";
import type { BobApi, BobCredential } from "../ports/bob-api.js";
import type { Clock } from "../ports/clock.js";
import type { CompanyStore } from "../ports/company-store.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { AttributeStore } from "../ports/attribute-store.js";
import { checkFieldVisibility } from "./visibility-check.js";
import { integrationView, type IntegrationView } from "./integration.js";
import { requireEnabled } from "./integration-service.js";
import { ConnectThrottle } from "./connect-throttle.js";
import { isCredentialRefusal } from "./credential-refusal.js";
import type { MappingOverrideStore } from "../ports/mapping-override-store.js";

export const MAX_CREDENTIAL_BYTES = 4096;

export interface ConnectInput {
  readonly accessToken: string;
  readonly serviceUserId?: string | null | undefined;
}

/** Turns what the admin pasted into a credential, or says exactly what is wrong with it. */
export function parseCredential(input: ConnectInput): BobCredential {
  const token = checkedSecretText(input.accessToken, "accessToken", "The access token");
  const rawId = input.serviceUserId ?? "";
  if (rawId.trim() === "") return { kind: "ACCESS_TOKEN", token };
  return {
    kind: "SERVICE_USER",
    serviceUserId: checkedSecretText(rawId, "serviceUserId", "The service user id"),
    token,
  };
}

function checkedSecretText(value: string, field: string, label: string): string {
  if (Buffer.byteLength(value, "utf8") > MAX_CREDENTIAL_BYTES)
    throw badInput(`${label} is longer than 4 KiB; paste only the value Bob shows.`, field);
  const trimmed = value.trim();
  if (trimmed === "") throw badInput(`${label} must not be empty.`, field);
  if (/\s/.test(trimmed)) throw badInput(`${label} must not contain spaces or line breaks.`, field);
  if (!isStorableText(trimmed)) throw badInput(`${label} must not contain control characters.`, field);
  return trimmed;
}

/** 192 random bits: the unguessable part of the company's webhook URL. */
export function newWebhookKey(): string {
  return randomBytes(24).toString("base64url");
}

export class ConnectionService {
  constructor(
    private readonly companies: CompanyStore,
    private readonly connections: ConnectionStore,
    private readonly bob: BobApi,
    private readonly clock: Clock,
    private readonly publicUrl: string,
    private readonly attributes: AttributeStore,
    private readonly throttle: ConnectThrottle = new ConnectThrottle(),
    /** After a credential is stored: webhook deliveries that waited for it (NEEDS_RECONNECT) are applied. */
    private readonly afterConnect: (companyId: string) => Promise<void> = async () => undefined,
    private readonly overrides?: MappingOverrideStore,
  ) {}

  /**
   * Verifies the credential against Bob (one cheap call per read scope) before storing it, so
   * a failed connect leaves the previous state untouched. Then one small people search tells
   * which synced fields the credential cannot see: warnings at once, and it still connects.
   */
  async connect(caller: Caller, input: ConnectInput): Promise<IntegrationView> {
    requireRole(caller, "ADMIN", "connect Bob");
    requireEnabled(await this.companies.getIntegration(caller.companyId));
    const credential = parseCredential(input);
    // Refused here, without calling Bob, once the company's failed attempts reach the limit.
    const attempt = this.throttle.admit(caller.companyId, this.clock.now().getTime());
    let fieldWarnings;
    try {
      await this.bob.verifyAccess(credential);
      const [attributes, overrides] = await Promise.all([
        this.attributes.list(caller.companyId),
        this.overrides?.list(caller.companyId) ?? [],
      ]);
      fieldWarnings = await checkFieldVisibility(this.bob, credential, attributes, overrides);
    } catch (error) {
      if (isCredentialRefusal(error)) attempt.rejected(this.clock.now().getTime());
      else attempt.abandoned();
      throw error;
    }
    attempt.succeeded();
    await this.connections.saveCredential(
      caller.companyId,
      { credential, tokenHint: tokenHint(credential.token), connectedAt: this.clock.now(), fieldWarnings },
      newWebhookKey(),
    );
    await this.afterConnect(caller.companyId);
    return integrationView(await this.companies.getIntegration(caller.companyId), this.publicUrl);
  }

  async disconnect(caller: Caller): Promise<IntegrationView> {
    requireRole(caller, "ADMIN", "disconnect Bob");
    requireEnabled(await this.companies.getIntegration(caller.companyId));
    await this.connections.forget(caller.companyId);
    return integrationView(await this.companies.getIntegration(caller.companyId), this.publicUrl);
  }
}

/** The last four characters, and only when that is a small part of the token. */
export function tokenHint(token: string): string {
  return token.length >= 12 ? token.slice(-4) : "****";
}
