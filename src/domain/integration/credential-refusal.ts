import { DomainError } from "../errors.js";
import type { ConnectionStore } from "../ports/connection-store.js";

/** Bob said 401 or 403: what its firewall counts. */
export function isCredentialRefusal(error: unknown): error is DomainError {
  return (
    error instanceof DomainError && (error.code === "BOB_INVALID_CREDENTIALS" || error.code === "BOB_MISSING_SCOPE")
  );
}

/** Told once per refusal (the notifications of CREDENTIAL_REFUSED). */
export type OnCredentialRefused = (companyId: string, reason: string) => Promise<void>;

/**
 * A sync or webhook application met a refused credential: the integration needs an admin to
 * connect again (NEEDS_RECONNECT), and nothing calls Bob with that credential until then. Told
 * only by the call that marked it, so a notification goes out once.
 */
export async function recordRefusal(
  connections: ConnectionStore,
  companyId: string,
  error: DomainError,
  at: Date,
  onRefused?: OnCredentialRefused,
): Promise<void> {
  const reason = `Bob refused the stored credential: ${error.message}`;
  if ((await connections.markRefused(companyId, reason, at)) && onRefused) await onRefused(companyId, reason);
}

export function refusedError(reason: string): DomainError {
  return new DomainError(
    "NOT_CONNECTED",
    `${reason} Connect Bob again (Integrations > Bob) to resume syncs and real-time updates.`,
  );
}
