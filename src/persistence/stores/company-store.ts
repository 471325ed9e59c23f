import type { StandardAttributeSpec } from "../../domain/attributes/standard-attributes.js";
import { attributeNameKey } from "../../domain/attributes/attribute.js";
import type { IntegrationRecord, SyncSettings } from "../../domain/integration/integration.js";
import type { CompanyStore } from "../../domain/ports/company-store.js";
import type { Database } from "../database.js";
import { Attribute, Company } from "../entities/index.js";
import type { CredentialKind } from "../../domain/integration/integration.js";
import { parseFieldWarnings } from "./connection-store.js";
import type { SecretBox } from "../../security/secret-box.js";
import { notificationSecretContext } from "./notification-store.js";

export class OrmCompanyStore implements CompanyStore {
  constructor(
    private readonly db: Database,
    /** Seals the notification signing secret; without it none can be set. */
    private readonly box?: SecretBox,
  ) {}

  async ensureCompany(companyId: string, standardAttributes: readonly StandardAttributeSpec[]): Promise<void> {
    // Two first requests of a new company may race: "on conflict do nothing" makes both win.
    await this.db.em().transactional(async (em) => {
      await em
        .createQueryBuilder(Company)
        .insert({ id: companyId, createdAt: new Date() })
        .onConflict("id")
        .ignore()
        .execute();
      const rows = standardAttributes.map((a) =>
        em.create(
          Attribute,
          {
            company: companyId,
            name: a.name,
            nameKey: attributeNameKey(a.name),
            type: a.type,
            standard: true,
            standardKey: a.key,
          },
          { persist: false },
        ),
      );
      await em.createQueryBuilder(Attribute).insert(rows).onConflict(["company", "nameKey"]).ignore().execute();
    });
  }

  async getIntegration(companyId: string): Promise<IntegrationRecord> {
    // One statement: every request of an admin, and every run, starts with this read.
    const [row] = await this.db.query<IntegrationRow>(
      null,
      `select c.id, c.integration_enabled, c.time_zone, c.deletion_safeguard_percent, c.reconcile_every_hours, c.notification_url,
              b.credential_kind, b.credential_ciphertext is not null as has_credential, b.token_hint, b.connected_at,
              b.webhook_key, b.hook_secret_ciphertext is not null as has_hook_secret, b.field_warnings, b.refused_reason
       from company c left join bob_connection b on b.company_id = c.id where c.id = $1`,
      [companyId],
    );
    if (row === undefined) throw new Error(`Company ${companyId} does not exist.`);
    return rowToRecord(row);
  }

  async enableIntegration(companyId: string, at: Date): Promise<IntegrationRecord> {
    const em = this.db.em();
    const company = await em.findOneOrFail(Company, companyId);
    if (!company.integrationEnabled) {
      company.integrationEnabled = true;
      company.integrationEnabledAt = at;
      await em.flush();
    }
    return this.getIntegration(companyId);
  }

  async updateSettings(
    companyId: string,
    settings: SyncSettings,
    notificationSecret?: string | null,
  ): Promise<IntegrationRecord> {
    const em = this.db.em();
    const company = await em.findOneOrFail(Company, companyId);
    company.deletionSafeguardPercent = settings.deletionSafeguardPercent;
    company.reconcileEveryHours = settings.reconcileEveryHours;
    company.timeZone = settings.timeZone;
    company.notificationUrl = settings.notificationUrl;
    if (settings.notificationUrl === null) {
      company.notificationSecretCiphertext = null;
      company.notificationSecretKeyId = null;
    } else if (notificationSecret) {
      if (!this.box) throw new Error("OrmCompanyStore needs a SecretBox to store a notification secret");
      const sealed = this.box.seal(notificationSecret, notificationSecretContext(companyId));
      company.notificationSecretCiphertext = sealed.ciphertext;
      company.notificationSecretKeyId = sealed.keyId;
    }
    await em.flush();
    return this.getIntegration(companyId);
  }

  /**
   * One statement whatever the number of companies. Each company's interval is split into slots
   * at an offset fixed by its id (md5, so the same on every replica and database): companies with
   * the same interval start spread over it instead of all at once. Due when no full sync was
   * queued since the start of its current slot (never synced: at once).
   */
  async dueForReconciliation(now: Date): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      null,
      `with c as (
         select c.id, c.reconcile_every_hours * 3600 as period,
                (('x' || substr(md5(c.id), 1, 8))::bit(32)::bigint % (c.reconcile_every_hours * 3600)) as phase,
                (select max(r.queued_at) from sync_run r where r.company_id = c.id and not r.dry_run) as last_at
         from company c join bob_connection b on b.company_id = c.id
         where c.integration_enabled and c.reconcile_every_hours is not null and b.credential_ciphertext is not null
           and b.refused_reason is null
       )
       select id from c
       where last_at is null
          or extract(epoch from last_at) < floor((extract(epoch from $1::timestamptz) - phase) / period) * period + phase
       order by id`,
      [now],
    );
    return rows.map((r) => r.id);
  }
}

interface IntegrationRow {
  id: string;
  integration_enabled: boolean;
  time_zone: string;
  deletion_safeguard_percent: number;
  reconcile_every_hours: number | null;
  notification_url: string | null;
  credential_kind: string | null;
  has_credential: boolean | null;
  token_hint: string | null;
  connected_at: Date | string | null;
  webhook_key: string | null;
  has_hook_secret: boolean | null;
  field_warnings: unknown;
  refused_reason: string | null;
}

function rowToRecord(row: IntegrationRow): IntegrationRecord {
  return {
    companyId: row.id,
    enabled: row.integration_enabled,
    settings: {
      deletionSafeguardPercent: Number(row.deletion_safeguard_percent),
      reconcileEveryHours: row.reconcile_every_hours === null ? null : Number(row.reconcile_every_hours),
      timeZone: row.time_zone,
      notificationUrl: row.notification_url ?? null,
    },
    connection:
      row.has_credential && row.connected_at !== null && row.webhook_key !== null
        ? {
            credentialKind: row.credential_kind as CredentialKind,
            tokenHint: row.token_hint ?? "",
            connectedAt: new Date(row.connected_at),
            webhookKey: row.webhook_key,
            hasHookSecret: row.has_hook_secret === true,
            warnings: parseFieldWarnings(row.field_warnings),
            refusedReason: row.refused_reason ?? null,
          }
        : null,
  };
}
