/**
 * The closed set of failures the domain reports. Every transport (GraphQL, HTTP, CLI) maps
 * these codes in one place; anything that is not a DomainError is unexpected and gets masked.
 */
export const DOMAIN_ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "FEATURE_NOT_ENABLED",
  "NOT_CONNECTED",
  "BOB_INVALID_CREDENTIALS",
  "BOB_MISSING_SCOPE",
  "BOB_UNAVAILABLE",
  "CONFLICT",
  "RATE_LIMITED",
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const badInput = (message: string, field?: string): DomainError =>
  new DomainError("BAD_USER_INPUT", message, field ? { field } : {});

export const notFound = (what: string): DomainError => new DomainError("NOT_FOUND", `${what} not found.`);

/** Bob's two read scopes, named exactly as Bob's UI names them so admins can find them. */
export type BobScope = "Full employee read" | "Employee fields read";

/** Bob answered 401: the token (or service user id + token) is not one Bob knows. */
export class BobInvalidCredentialsError extends DomainError {
  constructor(message = "Bob rejected the credential (401). Check the token and, for a service user, its id.") {
    super("BOB_INVALID_CREDENTIALS", message);
  }
}

/** Bob answered 403 to a read: the credential lacks the scope (or permission group) for it. */
export class BobMissingScopeError extends DomainError {
  constructor(readonly scope: BobScope) {
    super("BOB_MISSING_SCOPE", `The Bob credential lacks the "${scope}" scope. Grant it in Bob and connect again.`, {
      scope,
    });
  }
}

/** Bob could not be reached, timed out, answered 5xx, or kept answering 429 after retries. */
export class BobUnavailableError extends DomainError {
  constructor(message: string) {
    super("BOB_UNAVAILABLE", message);
  }
}

/** Bob answered, but with something we cannot read (not JSON, wrong shape, truncated). */
export class BobBadResponseError extends DomainError {
  constructor(message: string) {
    super("BOB_UNAVAILABLE", message, { badResponse: true });
  }
}

/** Too many attempts (e.g. failed connects): refused without doing the work; try again later. */
export class RateLimitedError extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super("RATE_LIMITED", message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}
