import type { Clock } from "../ports/clock.js";
import type { NotificationStore } from "../ports/notification-store.js";
import type { NotificationEvent, Notifier } from "../ports/notifier.js";
import { notificationOf } from "./notification-message.js";

export const SILENCE_HOURS = 24;

/**
 * The Notifier: queues each event once (delivery, signing and retries are the sender's, in the
 * background). A notification that cannot even be queued is reported to `onError` and dropped:
 * telling an admin about a failure must never fail the work that failed.
 */
export class NotificationService implements Notifier {
  constructor(
    private readonly store: NotificationStore,
    private readonly clock: Clock,
    private readonly onQueued: () => void = () => undefined,
    private readonly onError: (error: unknown, companyId: string, type: string) => void = () => undefined,
  ) {}

  async notify(companyId: string, event: NotificationEvent): Promise<void> {
    try {
      await this.queue(companyId, event);
    } catch (error) {
      this.onError(error, companyId, event.type);
    }
  }

  /**
   * NO_SUCCESSFUL_SYNC for every connected company with a notification URL whose last successful
   * full sync (or connection) is more than 24 h old: once per such day. Returns the events newly queued.
   */
  async checkSilence(): Promise<number> {
    const now = this.clock.now();
    const silent = await this.store.silentCompanies(new Date(now.getTime() - SILENCE_HOURS * 3_600_000));
    let queued = 0;
    for (const { companyId, since } of silent) {
      if (await this.queue(companyId, { type: "NO_SUCCESSFUL_SYNC", since }, now)) queued += 1;
    }
    return queued;
  }

  private async queue(companyId: string, event: NotificationEvent, now = this.clock.now()): Promise<boolean> {
    const queued = await this.store.enqueue(companyId, notificationOf(companyId, event, now), now);
    if (queued) this.onQueued();
    return queued;
  }
}
