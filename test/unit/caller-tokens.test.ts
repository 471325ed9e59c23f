import { SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CallerTokens } from "../../src/auth/caller-tokens.js";

const SECRET = "unit-test-secret-0123456789abcdef";

describe("CallerTokens: remembered verifications", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers a token verified before with the same caller", async () => {
    const tokens = new CallerTokens(SECRET);
    const token = await tokens.mint({ subject: "s", companyId: "co", role: "ADMIN" });
    const first = await tokens.verify(token);
    const second = await tokens.verifyAuthorization(`Bearer ${token}`);
    expect(second).toEqual({ subject: "s", companyId: "co", role: "ADMIN" });
    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it("still refuses a remembered token once it has expired, with the expiry message", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-06-15T12:00:00Z"));
    const tokens = new CallerTokens(SECRET);
    const token = await tokens.mint({ subject: "s", companyId: "co", role: "ADMIN", expiresIn: "60s" });
    await expect(tokens.verify(token)).resolves.toMatchObject({ companyId: "co" });
    vi.setSystemTime(new Date("2026-06-15T12:00:59.999Z"));
    await expect(tokens.verify(token)).resolves.toMatchObject({ companyId: "co" });
    vi.setSystemTime(new Date("2026-06-15T12:01:00Z"));
    await expect(tokens.verify(token)).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: "The token has expired.",
    });
    await expect(tokens.verify(token)).rejects.toMatchObject({ message: "The token has expired." });
  });

  it("never remembers a refusal, nor a token signed with another key", async () => {
    const tokens = new CallerTokens(SECRET);
    const other = await new CallerTokens("another-secret-0123456789abcdefgh").mint({
      subject: "s",
      companyId: "co",
      role: "ADMIN",
    });
    await expect(tokens.verify(other)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(tokens.verify(other)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    // The signature's first character changed: it carries six whole bits (the last one's low bits
    // are padding a decoder may ignore, so "ends in xx" was sometimes the same signature).
    const [header, payload, signature] = (await tokens.mint({ subject: "s", companyId: "co", role: "ADMIN" })).split(
      ".",
    );
    const tampered = `${header}.${payload}.${signature?.startsWith("A") ? "B" : "A"}${signature?.slice(1)}`;
    await expect(tokens.verify(tampered)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const noRole = await new SignJWT({ companyId: "co" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("s")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(SECRET));
    await expect(tokens.verify(noRole)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(tokens.verify(noRole)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("CallerTokens: token limits (README, Limits: tokens)", () => {
  const key = new TextEncoder().encode(SECRET);
  const now = (): number => Math.floor(Date.now() / 1000);
  /** A correctly signed token with exactly these claims (no iat unless given). */
  const raw = (claims: Record<string, unknown>): Promise<string> =>
    new SignJWT({ sub: "s", companyId: "co", role: "ADMIN", ...claims }).setProtectedHeader({ alg: "HS256" }).sign(key);

  afterEach(() => {
    vi.useRealTimers();
  });

  it("refuses an exp of 1e300 (a token that never expires), with a clear message, and keeps refusing it", async () => {
    const tokens = new CallerTokens(SECRET);
    for (const claims of [{ exp: 1e300 }, { exp: 1e300, iat: now() }, { exp: Number.MAX_SAFE_INTEGER }]) {
      const token = await raw(claims);
      await expect(tokens.verify(token)).rejects.toMatchObject({
        code: "UNAUTHENTICATED",
        message: expect.stringMatching(/lives too long.*JWT_MAX_AGE/),
      });
      await expect(tokens.verify(token)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    }
  });

  it("refuses exp more than JWT_MAX_AGE after iat, and accepts exactly JWT_MAX_AGE", async () => {
    const tokens = new CallerTokens(SECRET);
    const iat = now() - 10;
    await expect(tokens.verify(await raw({ iat, exp: iat + 86_400 + 1 }))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringMatching(/after its "iat"/),
    });
    await expect(tokens.verify(await raw({ iat, exp: iat + 86_400 }))).resolves.toMatchObject({ companyId: "co" });
  });

  it("refuses exp more than JWT_MAX_AGE (+60 s skew) after now even without iat, or with an iat in the future", async () => {
    const tokens = new CallerTokens(SECRET);
    await expect(tokens.verify(await raw({ exp: now() + 25 * 3600 }))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringMatching(/from now/),
    });
    await expect(tokens.verify(await raw({ exp: now() + 86_400 + 120 }))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(tokens.verify(await raw({ iat: now() + 86_400, exp: now() + 2 * 86_400 }))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(tokens.verify(await raw({ exp: now() + 86_400 + 30 }))).resolves.toMatchObject({ companyId: "co" });
  });

  it("refuses an exp or iat that is not whole seconds", async () => {
    const tokens = new CallerTokens(SECRET);
    await expect(tokens.verify(await raw({ exp: now() + 600.5 }))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringMatching(/whole seconds/),
    });
    await expect(tokens.verify(await raw({ iat: now() - 0.5, exp: now() + 600 }))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(tokens.verify(await raw({ exp: String(now() + 600) }))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });

  it("takes the max age from its options", async () => {
    const tokens = new CallerTokens(SECRET, { maxAgeSeconds: 3600 });
    const iat = now();
    await expect(tokens.verify(await raw({ iat, exp: iat + 3601 }))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringMatching(/3600 s/),
    });
    await expect(tokens.verify(await raw({ iat, exp: iat + 3600 }))).resolves.toMatchObject({ companyId: "co" });
    // Its default lifetime fits its max age.
    await expect(
      tokens.verify(await tokens.mint({ subject: "s", companyId: "co", role: "ADMIN" })),
    ).resolves.toMatchObject({ companyId: "co" });
    expect(() => new CallerTokens(SECRET, { maxAgeSeconds: 0 })).toThrow(RangeError);
    expect(() => new CallerTokens(SECRET, { maxAgeSeconds: 1.5 })).toThrow(RangeError);
  });

  it("mints tokens that pass, and refuses to mint one that would outlive the max age", async () => {
    const tokens = new CallerTokens(SECRET);
    await expect(
      tokens.verify(await tokens.mint({ subject: "s", companyId: "co", role: "ADMIN", expiresIn: "24h" })),
    ).resolves.toMatchObject({ companyId: "co" });
    await expect(tokens.mint({ subject: "s", companyId: "co", role: "ADMIN", expiresIn: "25h" })).rejects.toThrow(
      /at most 86400 s \(JWT_MAX_AGE\)/,
    );
    await expect(tokens.mint({ subject: "s", companyId: "co", role: "ADMIN", expiresIn: "7d" })).rejects.toThrow(
      RangeError,
    );
  });

  it("keeps honouring the limits for remembered tokens: a remembered token still expires at its exp", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-06-15T12:00:00Z"));
    const tokens = new CallerTokens(SECRET);
    const token = await tokens.mint({ subject: "s", companyId: "co", role: "ADMIN", expiresIn: "24h" });
    await expect(tokens.verify(token)).resolves.toMatchObject({ companyId: "co" });
    vi.setSystemTime(new Date("2026-06-16T11:59:59Z"));
    await expect(tokens.verify(token)).resolves.toMatchObject({ companyId: "co" });
    vi.setSystemTime(new Date("2026-06-16T12:00:00Z"));
    await expect(tokens.verify(token)).rejects.toMatchObject({ message: "The token has expired." });
  });

  it.each([
    ["empty", ""],
    ["a space", "acme corp"],
    ["surrounding spaces", " acme "],
    ["a right-to-left override", "acme\u202Eoc"],
    ["a zero-width space", "ac\u200Bme"],
    ["a Cyrillic look-alike", "\u0430cme"],
    ["a NUL", "acme\u0000"],
    ["a slash", "acme/evil"],
    ["129 characters", "a".repeat(129)],
  ])("refuses a companyId with %s as UNAUTHENTICATED, naming the rule", async (_what, companyId) => {
    const tokens = new CallerTokens(SECRET);
    const token = await raw({ companyId, exp: now() + 600 });
    await expect(tokens.verify(token)).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringMatching(/"companyId".*A-Z a-z 0-9 \. _ -/),
    });
  });

  it("accepts every character of the company id charset, up to 128 of them", async () => {
    const tokens = new CallerTokens(SECRET);
    for (const companyId of ["a", "A-Z_a.z-0.9", "a".repeat(128), "...", "-_-", "0123456789"]) {
      await expect(tokens.verify(await raw({ companyId, exp: now() + 600 }))).resolves.toMatchObject({ companyId });
    }
  });
});
