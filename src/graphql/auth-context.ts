import type { CallerTokens, VerifiedCaller } from "../auth/caller-tokens.js";
import type { Caller } from "../domain/caller.js";
import type { Services } from "../services.js";

/**
 * Authentication shared by both GraphQL transports: verify the token, then make sure the
 * company it names exists (a company is created the first time a valid token names it).
 */
export async function authenticate(
  tokens: CallerTokens,
  services: Services,
  authorization: string | undefined | null,
): Promise<Caller> {
  return (await authenticateWithExpiry(tokens, services, authorization)).caller;
}

/** As authenticate, with the token's exp: a WebSocket lives no longer than its token. */
export async function authenticateWithExpiry(
  tokens: CallerTokens,
  services: Services,
  authorization: string | undefined | null,
): Promise<VerifiedCaller> {
  const verified = await tokens.verifyAuthorizationWithExpiry(authorization);
  await services.tenancy.ensureCompany(verified.caller.companyId);
  return verified;
}
