import { createHash } from "node:crypto";
import type { NotificationEvent } from "../ports/notifier.js";
import type { QueuedNotification } from "../ports/notification-store.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The JSON body a receiver gets (README, "Notifications"):
 * { id, type, companyId, occurredAt, run?: { id, status, error }, message }.
 * The id is derived from what happened, so the same event is recognised (and sent) once:
 * a run's HELD or FAILED; a credential refusal per connection; for NO_SUCCESSFUL_SYNC each full
 * day without a successful sync since the last one (day 1 at 24 h, day 2 at 48 h, ...).
 */
export function notificationOf(companyId: string, event: NotificationEvent, now: Date): QueuedNotification {
  const body: Record<string, unknown> = {
    id: eventId(companyId, dedupKey(event, now)),
    type: event.type,
    companyId,
    occurredAt: now.toISOString(),
  };
  if (event.type === "RUN_HELD" || event.type === "RUN_FAILED")
    body.run = { id: event.run.id, status: event.run.status, error: event.run.error };
  body.message = messageOf(event);
  return { id: body.id as string, type: event.type, body: JSON.stringify(body) };
}

function dedupKey(event: NotificationEvent, now: Date): string {
  switch (event.type) {
    case "RUN_HELD":
    case "RUN_FAILED":
      return `${event.type}:${event.run.id}`;
    case "CREDENTIAL_REFUSED":
      return `${event.type}:${event.connectedAt.toISOString()}`;
    case "NO_SUCCESSFUL_SYNC":
      return `${event.type}:${event.since.toISOString()}:${Math.floor((now.getTime() - event.since.getTime()) / DAY_MS)}`;
  }
}

/** A UUID-shaped digest of the company and the key: stable, and says nothing about either. */
function eventId(companyId: string, key: string): string {
  const hex = createHash("sha256").update(`${companyId}\n${key}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function messageOf(event: NotificationEvent): string {
  switch (event.type) {
    case "CREDENTIAL_REFUSED":
      return `Bob refused the stored credential: ${event.reason} Syncs are paused until an admin connects Bob again.`;
    case "RUN_HELD":
      return "A full sync was held: it would delete more employees than the deletion safeguard allows. An admin should review and approve or discard it.";
    case "RUN_FAILED":
      return `A full sync failed${event.run.error ? `: ${event.run.error}` : "."}`;
    case "NO_SUCCESSFUL_SYNC":
      return `No full sync has succeeded since ${event.since.toISOString()} (more than 24 hours).`;
  }
}
