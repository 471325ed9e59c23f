/** A notification as queued: its body is fixed then, so every retry sends (and signs) the same bytes. */
export interface QueuedNotification {
  /** Derived from what happened: the same event always gets the same id. */
  readonly id: string;
  readonly type: string;
  /** The JSON body, exactly as it is signed and sent. */
  readonly body: string;
}

export interface NotificationTarget {
  readonly url: string;
  /** The HMAC-SHA256 key (opened from its sealed form; never logged). */
  readonly secret: string;
}

export interface NotificationStore {
  /**
   * Queues the notification for delivery unless an event with its id was queued before or the
   * company has no notification URL; true when it was queued.
   */
  enqueue(companyId: string, notification: QueuedNotification, at: Date): Promise<boolean>;
  /** The company's URL and secret as they are now (re-read at send time); null: notifications off. */
  target(companyId: string): Promise<NotificationTarget | null>;
  /**
   * Enabled, connected companies with a notification URL whose last successful (SUCCEEDED or
   * PARTIAL, not dry) full sync finished before `cutoff`, or that never had one and connected
   * before it; `since` is that last success or the connection. One statement for all companies.
   */
  silentCompanies(cutoff: Date): Promise<{ companyId: string; since: Date }[]>;
}
