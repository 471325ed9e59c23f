import type { Logger } from "../../logger.js";
import type { SecretBox } from "../../security/secret-box.js";
import type { Database } from "../database.js";
import { credentialContext, hookSecretContext } from "./connection-store.js";
import { notificationSecretContext } from "./notification-store.js";

export interface RotationReport {
  /** Secrets sealed under a previous key and now sealed under the current ENCRYPTION_KEY. */
  readonly resealed: number;
  /** Secrets sealed under a key that is not configured (neither current nor previous): left as they are. */
  readonly unreadable: number;
}

/** Every sealed column pair, with its table, the company column and the AAD its values are bound to. */
const SECRET_COLUMNS = [
  {
    table: "bob_connection",
    company: "company_id",
    ciphertext: "credential_ciphertext",
    keyId: "credential_key_id",
    context: credentialContext,
  },
  {
    table: "bob_connection",
    company: "company_id",
    ciphertext: "hook_secret_ciphertext",
    keyId: "hook_secret_key_id",
    context: hookSecretContext,
  },
  {
    table: "company",
    company: "id",
    ciphertext: "notification_secret_ciphertext",
    keyId: "notification_secret_key_id",
    context: notificationSecretContext,
  },
] as const;

const PAGE = 500;

/**
 * Key rotation, run at start-up before the gateway serves: every stored secret (Bob credential,
 * hook secret, notification secret) not sealed under the current ENCRYPTION_KEY is opened with the previous key that
 * sealed it (ENCRYPTION_KEY_PREVIOUS) and sealed again under the current one. Afterwards the
 * previous key can be dropped. Idempotent: a second run finds nothing to do.
 *
 * Each write is a compare-and-set on the old ciphertext, so a replica rotating at the same time
 * or an admin reconnecting meanwhile is never overwritten. Secrets are never logged.
 */
export async function resealStoredSecrets(db: Database, box: SecretBox, logger?: Logger): Promise<RotationReport> {
  const current = box.currentKeyId;
  let resealed = 0;
  let unreadable = 0;
  for (const col of SECRET_COLUMNS) {
    let after = "";
    for (;;) {
      const rows = await db.query<{ company_id: string; ciphertext: string; key_id: string }>(
        null,
        `select ${col.company} as company_id, ${col.ciphertext} as ciphertext, ${col.keyId} as key_id from ${col.table}
          where ${col.ciphertext} is not null and ${col.keyId} is not null and ${col.keyId} <> $1 and ${col.company} > $2
          order by ${col.company} limit ${PAGE}`,
        [current, after],
      );
      for (const row of rows) {
        let next;
        try {
          next = box.reseal({ keyId: row.key_id, ciphertext: row.ciphertext }, col.context(row.company_id));
        } catch (error) {
          unreadable += 1;
          logger?.error(
            {
              companyId: row.company_id,
              column: col.ciphertext,
              keyId: row.key_id,
              reason: error instanceof Error ? error.message : "unknown",
            },
            "stored secret cannot be re-encrypted: its key is not configured or it does not open",
          );
          continue;
        }
        const updated = await db.query(
          null,
          `update ${col.table} set ${col.ciphertext} = $1, ${col.keyId} = $2 where ${col.company} = $3 and ${col.ciphertext} = $4 returning 1`,
          [next.ciphertext, next.keyId, row.company_id, row.ciphertext],
        );
        resealed += updated.length;
      }
      if (rows.length < PAGE) break;
      after = (rows[rows.length - 1] as { company_id: string }).company_id;
    }
  }
  if (resealed > 0 || unreadable > 0)
    logger?.info(
      { resealed, unreadable, keyId: current },
      "stored secrets re-encrypted under the current ENCRYPTION_KEY",
    );
  return { resealed, unreadable };
}
