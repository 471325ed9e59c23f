/**
 * What the gateway tells a company's notification URL about (SyncSettings.notificationUrl).
 * notify() never throws and never waits for the receiver: the event is queued (once: a second
 * notify of the same event sends nothing) and delivered, signed and retried, in the background.
 * A company without a notification URL gets nothing.
 */
export type NotificationEvent =
  /** Bob refused the stored credential (401/403) during a sync or a webhook drain. `connectedAt`: the refused connection's, so it is told once per connection. */
  | { readonly type: "CREDENTIAL_REFUSED"; readonly connectedAt: Date; readonly reason: string }
  | { readonly type: "RUN_HELD"; readonly run: NotifiedRun }
  | { readonly type: "RUN_FAILED"; readonly run: NotifiedRun }
  /** No full sync succeeded since `since` (the last success, or the connection) for 24 h or more. */
  | { readonly type: "NO_SUCCESSFUL_SYNC"; readonly since: Date };

export type NotificationType = NotificationEvent["type"];

export interface NotifiedRun {
  readonly id: string;
  readonly status: string;
  readonly error: string | null;
}

export interface Notifier {
  notify(companyId: string, event: NotificationEvent): Promise<void>;
}

/** For wiring without notifications (unit tests, tools). */
export const noNotifier: Notifier = { notify: async () => undefined };
