import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  parseRateLimitReset,
  parseRetryAfter,
  rateLimitHint,
  retryDelay,
} from "../../src/bob/retry-policy.js";

const headers = (h: Record<string, string>) => new Headers(h);
const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("retry delays", () => {
  it("reads Retry-After in seconds", () => {
    expect(parseRetryAfter("7", NOW)).toBe(7000);
    expect(parseRetryAfter("0", NOW)).toBe(0);
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter("soon", NOW)).toBeNull();
  });

  it("reads Retry-After as an HTTP date", () => {
    expect(parseRetryAfter(new Date(NOW + 12_000).toUTCString(), NOW)).toBe(12_000);
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
  });

  it("reads X-RateLimit-Reset as epoch seconds (or small deltas)", () => {
    expect(parseRateLimitReset(String(NOW / 1000 + 30), NOW)).toBe(30_000);
    expect(parseRateLimitReset("5", NOW)).toBe(5000);
    expect(parseRateLimitReset("x", NOW)).toBeNull();
  });

  it("prefers Retry-After over Reset, and falls back to backoff", () => {
    expect(rateLimitHint(headers({ "Retry-After": "2", "X-RateLimit-Reset": String(NOW / 1000 + 30) }), NOW)).toBe(
      2000,
    );
    expect(rateLimitHint(headers({ "X-RateLimit-Reset": String(NOW / 1000 + 30) }), NOW)).toBe(30_000);
    const settings = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay({ rateLimited: true, headers: headers({}) }, 1, settings, NOW, () => 1)).toBe(100);
    // A 5xx ignores Retry-After-like headers: only 429 carries Bob's rate-limit hint.
    expect(
      retryDelay({ rateLimited: false, headers: headers({ "Retry-After": "9" }) }, 2, settings, NOW, () => 0),
    ).toBe(100);
  });

  it("backs off exponentially within [d/2, d], capped at maxDelay", () => {
    const settings = { baseDelayMs: 200, maxDelayMs: 1500 };
    expect(backoffDelay(1, settings, () => 0)).toBe(100);
    expect(backoffDelay(1, settings, () => 1)).toBe(200);
    expect(backoffDelay(3, settings, () => 0)).toBe(400);
    expect(backoffDelay(3, settings, () => 1)).toBe(800);
    expect(backoffDelay(10, settings, () => 1)).toBe(1500);
    for (let n = 1; n <= 8; n++) {
      const d = backoffDelay(n, settings);
      const ceiling = Math.min(1500, 200 * 2 ** (n - 1));
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    }
  });
});
