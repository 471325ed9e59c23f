import {
  BobBadResponseError,
  BobInvalidCredentialsError,
  BobMissingScopeError,
  BobUnavailableError,
  type BobScope,
  type DomainError,
} from "../domain/errors.js";
import { rawErrorBodySchema } from "./raw-schemas.js";

/** Why one attempt did not give a usable answer. */
export type AttemptFailure =
  | { readonly kind: "status"; readonly status: number; readonly body: string }
  | { readonly kind: "timeout"; readonly timeoutMs: number }
  | { readonly kind: "refused" }
  | { readonly kind: "network"; readonly code: string }
  | { readonly kind: "truncated"; readonly status: number }
  | { readonly kind: "bad-body"; readonly reason: string };

/** 429, 5xx, transport failures and unreadable bodies may succeed next time; other 4xx will not. */
export function isRetryable(failure: AttemptFailure): boolean {
  if (failure.kind !== "status") return true;
  return failure.status === 429 || failure.status >= 500;
}

/**
 * 401 and 403 are final on the first answer: Bob's WAF blocks a credential (or IP) that keeps
 * failing auth, so retrying would turn a typo into a five-minute lockout.
 */
export function immediateError(
  failure: AttemptFailure,
  scope: BobScope,
  what: string,
  secrets: readonly string[],
): DomainError | null {
  if (failure.kind !== "status") return null;
  if (failure.status === 401) return new BobInvalidCredentialsError();
  if (failure.status === 403) return new BobMissingScopeError(scope);
  if (!isRetryable(failure)) {
    const detail = bobErrorText(failure.body, secrets);
    return new BobUnavailableError(
      `Bob rejected the ${what} request (${failure.status})${detail ? `: ${detail}` : ""}.`,
    );
  }
  return null;
}

/** The error after the last attempt (or when the deadline leaves no room for another). */
export function finalError(
  failure: AttemptFailure,
  attempts: number,
  what: string,
  extra?: { waitMs?: number },
): DomainError {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  switch (failure.kind) {
    case "timeout":
      return new BobUnavailableError(`Bob did not answer within ${seconds(failure.timeoutMs)} s${tries}.`);
    case "refused":
      return new BobUnavailableError(`Bob refused the connection${tries}.`);
    case "network":
      return new BobUnavailableError(`${networkProblem(failure.code)}${tries}.`);
    case "truncated":
      return new BobBadResponseError(`Bob's answer to the ${what} request was cut off${tries}.`);
    case "bad-body":
      return new BobBadResponseError(
        `Bob's answer to the ${what} request could not be read: ${failure.reason}${tries}.`,
      );
    case "status":
      if (failure.status === 429) {
        const wait = extra?.waitMs !== undefined ? `; it asks to wait ${seconds(extra.waitMs)} s` : "";
        return new BobUnavailableError(`Bob is rate limiting this credential (429${tries})${wait}.`);
      }
      return new BobUnavailableError(`Bob answered ${failure.status}${tries}.`);
  }
}

/** Bob's `{error}` text, shortened, with any secret we hold scrubbed (belt and braces). */
export function bobErrorText(body: string, secrets: readonly string[]): string {
  let text = "";
  try {
    const parsed = rawErrorBodySchema.safeParse(JSON.parse(body));
    if (parsed.success) text = parsed.data.error ?? parsed.data.message ?? parsed.data.key ?? "";
  } catch {
    text = "";
  }
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join("[redacted]");
  text = text.replace(/\s+/g, " ").trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function networkProblem(code: string): string {
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE")
    return "Bob closed the connection without answering";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "Bob's host name could not be resolved";
  return `Could not reach Bob (${code})`;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s < 10 ? s.toFixed(1) : String(Math.round(s));
}
