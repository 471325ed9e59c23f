import { SignJWT, decodeJwt, errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import { ROLES, type Caller, type Role } from "../domain/caller.js";
import { DomainError } from "../domain/errors.js";

/**
 * Caller tokens (README, "A first query"): HS256 JWTs with sub, companyId, role and exp, all required.
 * Both transports (HTTP and WebSocket) authenticate through this one class.
 * Limits (README, "Limits"): exp at most JWT_MAX_AGE after iat and after now; companyId
 * 1-128 characters of A-Z a-z 0-9 . _ - (no look-alike tenants: no spaces, no bidi controls).
 */
export const COMPANY_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const COMPANY_ID_RULE = "a company id is 1-128 characters of A-Z a-z 0-9 . _ -";

/** JWT_MAX_AGE's default: a token lives at most 24 hours. */
export const DEFAULT_JWT_MAX_AGE_SECONDS = 86_400;
/** Tolerated difference between the issuer's clock and ours when checking exp against now. */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;

const claimsSchema = z.object({
  sub: z.string().min(1),
  companyId: z.string().regex(COMPANY_ID_PATTERN, COMPANY_ID_RULE),
  role: z.enum(ROLES),
  exp: z.number(),
  iat: z.number().optional(),
});

const unauthenticated = (message: string): DomainError => new DomainError("UNAUTHENTICATED", message);

/** A verified caller and its token's exp (seconds since the epoch). */
export interface VerifiedCaller {
  readonly caller: Caller;
  readonly exp: number;
}

/** Tokens remembered as verified; a client reuses its token for every request until it expires. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

export class CallerTokens {
  private readonly key: Uint8Array;
  /**
   * Token text -> the caller it proved, with its exp. Verifying is deterministic for a given key
   * and text, so a token verified once needs only its expiry checked again (the same check, at
   * the same second granularity, as jose's); the lifetime checks against now only pass more
   * easily as time goes by. Bounded: the oldest entry goes first.
   */
  private readonly verified = new Map<string, VerifiedCaller>();

  private readonly maxAgeSeconds: number;

  constructor(secret: string, options: { readonly maxAgeSeconds?: number } = {}) {
    this.key = new TextEncoder().encode(secret);
    const maxAge = options.maxAgeSeconds ?? DEFAULT_JWT_MAX_AGE_SECONDS;
    if (!Number.isSafeInteger(maxAge) || maxAge <= 0)
      throw new RangeError(`maxAgeSeconds must be a positive integer (got ${maxAge}).`);
    this.maxAgeSeconds = maxAge;
  }

  /** Accepts the raw header value: "Bearer <jwt>". */
  async verifyAuthorization(header: string | undefined | null): Promise<Caller> {
    return (await this.verifyAuthorizationWithExpiry(header)).caller;
  }

  /** As verifyAuthorization, with the token's exp: a WebSocket is closed when its token expires. */
  async verifyAuthorizationWithExpiry(header: string | undefined | null): Promise<VerifiedCaller> {
    if (!header) throw unauthenticated('Missing Authorization header: send "Authorization: Bearer <token>".');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw unauthenticated('Authorization must be "Bearer <token>".');
    return this.verifyWithExpiry(match[1]);
  }

  async verify(token: string): Promise<Caller> {
    return (await this.verifyWithExpiry(token)).caller;
  }

  async verifyWithExpiry(token: string): Promise<VerifiedCaller> {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp > Math.floor(Date.now() / 1000)) return known;
      this.verified.delete(token); // expired: verify again below, which says so
    }
    return this.verifyFully(token);
  }

  private async verifyFully(token: string): Promise<VerifiedCaller> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"], requiredClaims: ["exp", "sub"] }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated("The token has expired.");
      if (error instanceof joseErrors.JWTClaimValidationFailed)
        throw unauthenticated(`The token is missing a claim: ${error.claim}.`);
      throw unauthenticated("The token is not valid (bad signature or malformed).");
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      const claim = claims.error.issues[0]?.path.join(".") ?? "unknown";
      throw unauthenticated(
        `The token's "${claim}" claim is missing or invalid${claim === "companyId" ? ` (${COMPANY_ID_RULE})` : ""}.`,
      );
    }
    // Bounded lifetime: a token cannot outlive JWT_MAX_AGE, whatever its issuer wrote
    // (an exp of 1e300 would otherwise never expire). Checked before caching: a remembered
    // token only comes closer to its exp.
    const { exp, iat } = claims.data;
    if (exp - Math.floor(Date.now() / 1000) > this.maxAgeSeconds + TOKEN_CLOCK_SKEW_SECONDS) {
      throw unauthenticated(
        `The token lives too long: its "exp" is more than ${this.maxAgeSeconds} s (JWT_MAX_AGE) from now.`,
      );
    }
    if (iat !== undefined && exp - iat > this.maxAgeSeconds) {
      throw unauthenticated(
        `The token lives too long: its "exp" is more than ${this.maxAgeSeconds} s (JWT_MAX_AGE) after its "iat".`,
      );
    }
    if (!Number.isSafeInteger(exp) || (iat !== undefined && !Number.isSafeInteger(iat))) {
      throw unauthenticated(`The token's "exp" and "iat" claims must be whole seconds.`);
    }
    const caller: Caller = Object.freeze({
      subject: claims.data.sub,
      companyId: claims.data.companyId,
      role: claims.data.role,
    });
    if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE)
      this.verified.delete(this.verified.keys().next().value as string);
    const verified: VerifiedCaller = Object.freeze({ caller, exp: claims.data.exp });
    this.verified.set(token, verified);
    return verified;
  }

  /**
   * Signs a token. expiresIn as jose takes it: a span ("12h", "90s") or an absolute exp in
   * seconds; by default 12 hours (or the max age, if shorter). A lifetime over the max age is
   * refused here rather than minting a token that verify would refuse.
   */
  async mint(input: { subject: string; companyId: string; role: Role; expiresIn?: string | number }): Promise<string> {
    const token = await new SignJWT({ companyId: input.companyId, role: input.role })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(input.subject)
      // exp before iat: a second ticking over between the two shortens the token, never lengthens it.
      .setExpirationTime(input.expiresIn ?? `${Math.min(12 * 3600, this.maxAgeSeconds)}s`)
      .setIssuedAt()
      .sign(this.key);
    const { exp, iat } = decodeJwt(token);
    if (exp !== undefined && iat !== undefined && exp - iat > this.maxAgeSeconds) {
      throw new RangeError(
        `A token may live at most ${this.maxAgeSeconds} s (JWT_MAX_AGE); the expiry asked for is ${exp - iat} s away.`,
      );
    }
    return token;
  }
}
