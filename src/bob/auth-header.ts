import { createHash } from "node:crypto";
import type { BobCredential } from "../domain/ports/bob-api.js";

/**
 * The Authorization header value. A legacy API token is the whole header value with no scheme
 * (that is how Bob's OpenAPI and public clients send it); a service user is HTTP Basic id:token.
 */
export function authorizationHeader(credential: BobCredential): string {
  if (credential.kind === "ACCESS_TOKEN") return credential.token;
  return `Basic ${Buffer.from(`${credential.serviceUserId}:${credential.token}`, "utf8").toString("base64")}`;
}

/**
 * A stable, non-reversible key for one credential, used to key rate-limit budgets (Bob counts
 * per credential). Hashed so the raw token never sits in a map key that might be logged.
 */
export function credentialKey(credential: BobCredential): string {
  const id = credential.kind === "SERVICE_USER" ? credential.serviceUserId : "";
  return createHash("sha256")
    .update(`${credential.kind}\u0000${id}\u0000${credential.token}`)
    .digest("hex")
    .slice(0, 24);
}
