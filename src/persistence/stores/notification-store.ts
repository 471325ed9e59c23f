import { sql } from "kysely";
import type {
  NotificationStore,
  NotificationTarget,
  QueuedNotification,
} from "../../domain/ports/notification-store.js";
import { QUEUES, type JobQueue } from "../../jobs/job-queue.js";
import type { SecretBox } from "../../security/secret-box.js";
import type { Database } from "../database.js";

/** The AAD binding a sealed notification secret to its company: a copied ciphertext opens nowhere else. */
export const notificationSecretContext = (companyId: string) => `notification-secret:${companyId}`;

export class OrmNotificationStore implements NotificationStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * One transaction: the event's row (its primary key is the event id: a second notify of the
   * same event inserts nothing) and its delivery job, only when the company has a URL. The job
   * exists exactly when the row does.
   */
  async enqueue(companyId: string, n: QueuedNotification, at: Date): Promise<boolean> {
    const queued = await this.db
      .em()
      .getKysely()
      .transaction()
      .execute(async (trx) => {
        const inserted = await sql<{ id: string }>`
        insert into notification_event (id, company_id, type, created_at)
        select ${n.id}, c.id, ${n.type}, ${at.toISOString()}::timestamptz from company c where c.id = ${companyId} and c.notification_url is not null
        on conflict (id) do nothing returning id`.execute(trx);
        if (inserted.rows.length === 0) return false;
        await this.jobs.sendNotification({ companyId, eventId: n.id, type: n.type, body: n.body }, trx as never);
        return true;
      });
    if (queued) this.jobs.wake(QUEUES.notification);
    return queued;
  }

  async target(companyId: string): Promise<NotificationTarget | null> {
    const [row] = await this.db.query<{ url: string | null; ciphertext: string | null; key_id: string | null }>(
      null,
      `select notification_url as url, notification_secret_ciphertext as ciphertext, notification_secret_key_id as key_id from company where id = $1`,
      [companyId],
    );
    if (!row?.url || !row.ciphertext || !row.key_id) return null;
    return {
      url: row.url,
      secret: this.box.open({ keyId: row.key_id, ciphertext: row.ciphertext }, notificationSecretContext(companyId)),
    };
  }

  async silentCompanies(cutoff: Date): Promise<{ companyId: string; since: Date }[]> {
    const rows = await this.db.query<{ company_id: string; since: string | Date }>(
      null,
      `select c.id as company_id, coalesce(s.last_success, b.connected_at) as since
         from company c
         join bob_connection b on b.company_id = c.id and b.credential_ciphertext is not null and b.connected_at is not null
         left join lateral (
           select max(r.finished_at) as last_success from sync_run r
            where r.company_id = c.id and not r.dry_run and r.status in ('SUCCEEDED', 'PARTIAL') and r.finished_at is not null
         ) s on true
        where c.integration_enabled and c.notification_url is not null
          and coalesce(s.last_success, b.connected_at) < $1::timestamptz`,
      [cutoff.toISOString()],
    );
    return rows.map((r) => ({ companyId: r.company_id, since: new Date(r.since) }));
  }
}
