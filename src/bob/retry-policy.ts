/**
 * How long to wait before trying Bob again. Pure functions of the answer, the attempt number
 * and the clock, so they can be tested exactly.
 */

export interface BackoffSettings {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Just the part of Headers we read, so tests can pass a plain object. */
export interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * min(max, base * 2^(n-1)). The jitter spreads retries from many companies; the floor keeps
 * a retry from landing immediately on a Bob that is still failing.
 */
export function backoffDelay(
  retryNumber: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exp = settings.baseDelayMs * 2 ** Math.max(0, retryNumber - 1);
  const ceiling = Math.min(settings.maxDelayMs, exp);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Retry-After: delta seconds or an HTTP date. Returns ms from now, or null if absent/unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (text === "") return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/**
 * X-RateLimit-Reset (third-party docs: Unix epoch seconds). A small number cannot be an epoch
 * (before 2001), so it is read as seconds-until-reset, which some APIs send instead.
 */
export function parseRateLimitReset(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const n = Number(text);
  if (n < 1_000_000_000) return Math.round(n * 1000);
  return Math.max(0, Math.round(n * 1000 - nowMs));
}

/** Bob's own hint for a 429: Retry-After first, then X-RateLimit-Reset; null = back off blindly. */
export function rateLimitHint(headers: HeaderSource, nowMs: number): number | null {
  return (
    parseRetryAfter(headers.get("retry-after"), nowMs) ?? parseRateLimitReset(headers.get("x-ratelimit-reset"), nowMs)
  );
}

/** Delay before retry number `retryNumber` (1 = first retry) after a retryable failure. */
export function retryDelay(
  failure: { readonly rateLimited: boolean; readonly headers?: HeaderSource | undefined },
  retryNumber: number,
  settings: BackoffSettings,
  nowMs: number,
  random: () => number = Math.random,
): number {
  if (failure.rateLimited && failure.headers) {
    const hint = rateLimitHint(failure.headers, nowMs);
    if (hint !== null) return hint;
  }
  return backoffDelay(retryNumber, settings, random);
}
