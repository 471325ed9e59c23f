import type { IntegrationWarning } from "../mapping/field-visibility.js";
import type { BobCredential } from "./bob-api.js";

export interface StoredCredential {
  readonly credential: BobCredential;
  readonly tokenHint: string;
  readonly connectedAt: Date;
  /** What connecting found the credential cannot see. */
  readonly fieldWarnings: readonly IntegrationWarning[];
}

/**
 * Where a company's Bob credential and hook secret live. Implementations seal secrets at rest;
 * the domain only ever hands plaintext in and gets plaintext back.
 */
export interface ConnectionStore {
  /** Stores (or replaces) the credential; keeps an existing webhook key, else stores `newWebhookKey`. */
  saveCredential(companyId: string, stored: StoredCredential, newWebhookKey: string): Promise<void>;
  /** Forgets the credential and the hook secret; the webhook key stays. */
  forget(companyId: string): Promise<void>;
  loadCredential(companyId: string): Promise<BobCredential | null>;
  /**
   * The credential, and why Bob refused it since it was stored (null: not refused). A refused
   * credential must not be sent to Bob again: its firewall blocks credentials that keep failing.
   */
  loadCredentialState(
    companyId: string,
  ): Promise<{ readonly credential: BobCredential; readonly refused: string | null } | null>;
  /**
   * Bob refused the stored credential (401/403) during a sync or a webhook application: the
   * integration needs an admin to connect again. True only for the call that marked it (once);
   * storing a credential clears it.
   */
  markRefused(companyId: string, reason: string, at: Date): Promise<boolean>;
  /** Replaces the visibility warnings (a full sync's look at what Bob sent); only while a credential is stored. */
  saveFieldWarnings(companyId: string, warnings: readonly IntegrationWarning[]): Promise<void>;
  /** The visibility warnings stored last (empty when none, or not connected). */
  loadFieldWarnings(companyId: string): Promise<IntegrationWarning[]>;
  /** Stores (replaces) the webhook secret Bob shows; only while a credential is stored. */
  saveHookSecret(companyId: string, secret: string): Promise<void>;
  /**
   * Gives the company's webhook URL a new key (the old one then belongs to no one); the hook
   * secret stays. Only while a credential is stored: false when none is.
   */
  replaceWebhookKey(companyId: string, newWebhookKey: string): Promise<boolean>;
  /** Whose webhook URL this is, and the secret its deliveries are signed with (null: none yet). */
  findByWebhookKey(webhookKey: string): Promise<{ companyId: string; hookSecret: string | null } | null>;
}
