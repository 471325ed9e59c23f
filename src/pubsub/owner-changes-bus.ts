import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { WebhookOwnerChanges } from "../domain/ports/webhook-owner-changes.js";
import type { Logger } from "../logger.js";
import type { Database } from "../persistence/database.js";
import type { PostgresListener } from "./pg-listener.js";

const CHANNEL = "webhook_owner_changed";

/** What travels over NOTIFY: the company whose webhook key or hook secret changed, and who said so. */
const notificationSchema = z.object({ origin: z.string(), companyId: z.string().min(1).max(128) });

/**
 * Webhook owner changes on PostgreSQL, for every replica: a new hook secret, a disconnect or a
 * rotated URL made through one gateway reaches `local` (this process's webhook intake) at once and
 * every other gateway's through NOTIFY, so none keeps accepting the old secret or key for the rest
 * of its owner cache's second. The echo of its own NOTIFY is recognised by the origin id and dropped.
 */
export class PostgresOwnerChangesBus implements WebhookOwnerChanges {
  private readonly origin = randomUUID();

  private constructor(
    private readonly db: Database,
    private readonly local: WebhookOwnerChanges,
    private readonly logger: Logger,
  ) {}

  static async start(
    db: Database,
    listener: PostgresListener,
    local: WebhookOwnerChanges,
    logger: Logger,
  ): Promise<PostgresOwnerChangesBus> {
    const bus = new PostgresOwnerChangesBus(db, local, logger);
    await listener.listen(CHANNEL, {
      notified: (payload) => bus.heard(payload),
      // A change NOTIFYed while the connection was down never arrives: forget every cached owner.
      resumed: () => local.anyMayHaveChanged(),
    });
    return bus;
  }

  private heard(payload: unknown): void {
    const parsed = notificationSchema.safeParse(payload);
    if (parsed.success && parsed.data.origin !== this.origin) void this.local.changed(parsed.data.companyId);
  }

  /**
   * Resolves once the NOTIFY is committed, so the admin's mutation returns only after every other
   * replica has been sent the news. Should it fail, the change itself stands; the other replicas
   * then notice within their cache's second, as before.
   */
  async changed(companyId: string): Promise<void> {
    await this.local.changed(companyId);
    const payload = JSON.stringify({ origin: this.origin, companyId });
    try {
      await this.db.query(null, "select pg_notify($1, $2)", [CHANNEL, payload]);
    } catch (error) {
      this.logger.warn({ err: error, companyId }, "webhook owner change not sent to the other replicas");
    }
  }

  anyMayHaveChanged(): void {
    this.local.anyMayHaveChanged();
  }
}
