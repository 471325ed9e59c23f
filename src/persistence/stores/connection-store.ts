import { z } from "zod";
import type { BobCredential } from "../../domain/ports/bob-api.js";
import type { ConnectionStore, StoredCredential } from "../../domain/ports/connection-store.js";
import type { IntegrationWarning } from "../../domain/mapping/field-visibility.js";
import type { SecretBox } from "../../security/secret-box.js";
import type { Database } from "../database.js";
import { BobConnection } from "../entities/index.js";

const sealedCredentialSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ACCESS_TOKEN"), token: z.string() }),
  z.object({ kind: z.literal("SERVICE_USER"), serviceUserId: z.string(), token: z.string() }),
]);

const fieldWarningsSchema = z.array(
  z.object({ code: z.literal("FIELD_NOT_VISIBLE"), message: z.string(), bobFieldId: z.string().nullable() }),
);

/** Stored warnings as the domain knows them; anything unreadable counts as none. */
export function parseFieldWarnings(json: unknown): IntegrationWarning[] {
  const value = typeof json === "string" ? JSON.parse(json) : json;
  const parsed = fieldWarningsSchema.safeParse(value ?? []);
  return parsed.success ? parsed.data : [];
}

/** The AAD binding a sealed secret to its company: a copied ciphertext opens nowhere else. */
export const credentialContext = (companyId: string) => `bob-credential:${companyId}`;
export const hookSecretContext = (companyId: string) => `bob-hook-secret:${companyId}`;

export class OrmConnectionStore implements ConnectionStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  async saveCredential(companyId: string, stored: StoredCredential, newWebhookKey: string): Promise<void> {
    const sealed = this.box.seal(JSON.stringify(stored.credential), credentialContext(companyId));
    const em = this.db.em();
    const fields = {
      credentialKind: stored.credential.kind,
      credentialCiphertext: sealed.ciphertext,
      credentialKeyId: sealed.keyId,
      tokenHint: stored.tokenHint,
      connectedAt: stored.connectedAt,
      fieldWarnings: [...stored.fieldWarnings],
      // A credential stored anew has not been refused.
      refusedReason: null,
      refusedAt: null,
    };
    // One statement: concurrent connects of one company cannot create two webhook keys.
    await em
      .createQueryBuilder(BobConnection)
      .insert({ company: companyId, webhookKey: newWebhookKey, ...fields })
      .onConflict("company")
      .merge(Object.keys(fields) as (keyof typeof fields)[])
      .execute();
  }

  async forget(companyId: string): Promise<void> {
    await this.db.em().nativeUpdate(
      BobConnection,
      { company: companyId },
      {
        credentialKind: null,
        credentialCiphertext: null,
        credentialKeyId: null,
        tokenHint: null,
        connectedAt: null,
        hookSecretCiphertext: null,
        hookSecretKeyId: null,
        fieldWarnings: null,
        refusedReason: null,
        refusedAt: null,
      },
    );
  }

  async markRefused(companyId: string, reason: string, at: Date): Promise<boolean> {
    const rows = await this.db.query<{ company_id: string }>(
      null,
      `update bob_connection set refused_reason = $2, refused_at = $3
       where company_id = $1 and credential_ciphertext is not null and refused_reason is null returning company_id`,
      [companyId, reason, at],
    );
    return rows.length > 0;
  }

  async loadCredentialState(companyId: string): Promise<{ credential: BobCredential; refused: string | null } | null> {
    const [row] = await this.db.query<{
      credential_ciphertext: string | null;
      credential_key_id: string | null;
      refused_reason: string | null;
    }>(
      null,
      `select credential_ciphertext, credential_key_id, refused_reason from bob_connection where company_id = $1`,
      [companyId],
    );
    if (!row?.credential_ciphertext || !row.credential_key_id) return null;
    const plaintext = this.box.open(
      { keyId: row.credential_key_id, ciphertext: row.credential_ciphertext },
      credentialContext(companyId),
    );
    return { credential: sealedCredentialSchema.parse(JSON.parse(plaintext)), refused: row.refused_reason };
  }

  async saveFieldWarnings(companyId: string, warnings: readonly IntegrationWarning[]): Promise<void> {
    await this.db.query(
      null,
      `update bob_connection set field_warnings = $2::jsonb where company_id = $1 and credential_ciphertext is not null`,
      [companyId, JSON.stringify(warnings)],
    );
  }

  async loadFieldWarnings(companyId: string): Promise<IntegrationWarning[]> {
    const [row] = await this.db.query<{ field_warnings: unknown }>(
      null,
      `select field_warnings from bob_connection where company_id = $1`,
      [companyId],
    );
    return parseFieldWarnings(row?.field_warnings);
  }

  async loadCredential(companyId: string): Promise<BobCredential | null> {
    // A plain statement: every run reads it, and an entity would only be thrown away.
    const [row] = await this.db.query<{ credential_ciphertext: string | null; credential_key_id: string | null }>(
      null,
      `select credential_ciphertext, credential_key_id from bob_connection where company_id = $1`,
      [companyId],
    );
    if (!row?.credential_ciphertext || !row.credential_key_id) return null;
    const plaintext = this.box.open(
      { keyId: row.credential_key_id, ciphertext: row.credential_ciphertext },
      credentialContext(companyId),
    );
    return sealedCredentialSchema.parse(JSON.parse(plaintext));
  }

  async saveHookSecret(companyId: string, secret: string): Promise<void> {
    const sealed = this.box.seal(secret, hookSecretContext(companyId));
    await this.db
      .em()
      .nativeUpdate(
        BobConnection,
        { company: companyId, credentialCiphertext: { $ne: null } },
        { hookSecretCiphertext: sealed.ciphertext, hookSecretKeyId: sealed.keyId },
      );
  }

  async replaceWebhookKey(companyId: string, newWebhookKey: string): Promise<boolean> {
    const changed = await this.db
      .em()
      .nativeUpdate(
        BobConnection,
        { company: companyId, credentialCiphertext: { $ne: null } },
        { webhookKey: newWebhookKey },
      );
    return changed > 0;
  }

  async findByWebhookKey(webhookKey: string): Promise<{ companyId: string; hookSecret: string | null } | null> {
    // Keys are base64url; anything else cannot be one (and must never reach a text parameter).
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(webhookKey)) return null;
    const row = await this.db.em().findOne(BobConnection, { webhookKey });
    if (!row) return null;
    const companyId = typeof row.company === "string" ? row.company : (row.company as { id: string }).id;
    const hookSecret =
      row.hookSecretCiphertext && row.hookSecretKeyId
        ? this.box.open(
            { keyId: row.hookSecretKeyId, ciphertext: row.hookSecretCiphertext },
            hookSecretContext(companyId),
          )
        : null;
    return { companyId, hookSecret };
  }
}
