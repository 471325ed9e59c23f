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
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: "UNAUTHENTICATED", message: "The token has expired." });
    await expect(tokens.verify(token)).rejects.toMatchObject({ message: "The token has expired." });
  });

  it("never remembers a refusal, nor a token signed with another key", async () => {
    const tokens = new CallerTokens(SECRET);
    const other = await new CallerTokens("another-secret-0123456789abcdefgh").mint({ subject: "s", companyId: "co", role: "ADMIN" });
    await expect(tokens.verify(other)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(tokens.verify(other)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const tampered = `${(await tokens.mint({ subject: "s", companyId: "co", role: "ADMIN" })).slice(0, -2)}xx`;
    await expect(tokens.verify(tampered)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const noRole = await new SignJWT({ companyId: "co" }).setProtectedHeader({ alg: "HS256" }).setSubject("s").setExpirationTime("1h").sign(new TextEncoder().encode(SECRET));
    await expect(tokens.verify(noRole)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(tokens.verify(noRole)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
