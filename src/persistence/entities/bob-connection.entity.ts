import { defineEntity, p } from "@mikro-orm/core";
import { Company } from "./company.entity.js";

/**
 * A company's link to Bob. Secrets are stored sealed (AES-256-GCM) with the id of the key that
 * sealed them. The row outlives a disconnect so the webhook URL given to Bob stays the same.
 */
export const BobConnectionSchema = defineEntity({
  name: "BobConnection",
  tableName: "bob_connection",
  properties: {
    company: () => p.oneToOne(Company).primary().deleteRule("cascade"),
    /** At least 128 random bits, base64url: the unguessable part of the webhook URL. */
    webhookKey: p.string().length(64).unique(),
    credentialKind: p.string().length(16).nullable(),
    credentialCiphertext: p.text().nullable(),
    credentialKeyId: p.string().length(32).nullable(),
    tokenHint: p.string().length(8).nullable(),
    connectedAt: p.datetime().nullable(),
    hookSecretCiphertext: p.text().nullable(),
    hookSecretKeyId: p.string().length(32).nullable(),
    /** What the last look at the credential's visibility found (IntegrationWarning[]); null: not looked yet. */
    fieldWarnings: p.json<unknown>().nullable(),
    /** Why Bob refused the stored credential during a sync or webhook application (NEEDS_RECONNECT); cleared by connecting. */
    refusedReason: p.text().nullable(),
    refusedAt: p.datetime().nullable(),
  },
});

export class BobConnection extends BobConnectionSchema.class {}
BobConnectionSchema.setClass(BobConnection);
