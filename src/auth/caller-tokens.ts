import { SignJWT, errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import { ROLES, type Caller, type Role } from "../domain/caller.js";
import { DomainError } from "../domain/errors.js";
import { isStorableText } from "../domain/text.js";

/**
 * Caller tokens (api-http.md): HS256 JWTs with sub, companyId, role and exp, all required.
 * Both transports (HTTP and WebSocket) authenticate through this one class.
 */
const claimsSchema = z.object({
  sub: z.string().min(1),
  companyId: z.string().min(1).max(128).refine(isStorableText, "contains characters a company id cannot have"),
  role: z.enum(ROLES),
  exp: z.number(),
});

const unauthenticated = (message: string): DomainError => new DomainError("UNAUTHENTICATED", message);

/** Tokens remembered as verified; a client reuses its token for every request until it expires. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

export class CallerTokens {
  private readonly key: Uint8Array;
  /**
   * Token text -> the caller it proved, with its exp. Verifying is deterministic for a given key
   * and text, so a token verified once needs only its expiry checked again (the same check, at
   * the same second granularity, as jose's). Bounded: the oldest entry goes first.
   */
  private readonly verified = new Map<string, { readonly caller: Caller; readonly exp: number }>();

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Accepts the raw header value: "Bearer <jwt>". */
  async verifyAuthorization(header: string | undefined | null): Promise<Caller> {
    if (!header) throw unauthenticated("Missing Authorization header: send \"Authorization: Bearer <token>\".");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw unauthenticated("Authorization must be \"Bearer <token>\".");
    return this.verify(match[1]);
  }

  async verify(token: string): Promise<Caller> {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp > Math.floor(Date.now() / 1000)) return known.caller;
      this.verified.delete(token); // expired: verify again below, which says so
    }
    return this.verifyFully(token);
  }

  private async verifyFully(token: string): Promise<Caller> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"], requiredClaims: ["exp", "sub"] }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated("The token has expired.");
      if (error instanceof joseErrors.JWTClaimValidationFailed) throw unauthenticated(`The token is missing a claim: ${error.claim}.`);
      throw unauthenticated("The token is not valid (bad signature or malformed).");
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      const claim = claims.error.issues[0]?.path.join(".") ?? "unknown";
      throw unauthenticated(`The token's "${claim}" claim is missing or invalid.`);
    }
    const caller: Caller = Object.freeze({ subject: claims.data.sub, companyId: claims.data.companyId, role: claims.data.role });
    if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { caller, exp: claims.data.exp });
    return caller;
  }

  async mint(input: { subject: string; companyId: string; role: Role; expiresIn?: string | number }): Promise<string> {
    return new SignJWT({ companyId: input.companyId, role: input.role })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(input.subject)
      .setIssuedAt()
      .setExpirationTime(input.expiresIn ?? "12h")
      .sign(this.key);
  }
}
