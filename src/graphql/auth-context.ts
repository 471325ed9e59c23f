import type { CallerTokens } from "../auth/caller-tokens.js";
import type { Caller } from "../domain/caller.js";
import type { Services } from "../services.js";

/**
 * Authentication shared by both GraphQL transports: verify the token, then make sure the
 * company it names exists (a company is created the first time a valid token names it).
 */
export async function authenticate(tokens: CallerTokens, services: Services, authorization: string | undefined | null): Promise<Caller> {
  const caller = await tokens.verifyAuthorization(authorization);
  await services.tenancy.ensureCompany(caller.companyId);
  return caller;
}
