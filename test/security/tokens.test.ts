import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { deferred, within } from "../support/deferred.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

/**
 * README, "Limits", tokens: exp at most JWT_MAX_AGE (default 24 h) after iat/now, a
 * companyId of 1-128 characters of A-Z a-z 0-9 . _ -, JWT_SECRET of at least 32 bytes in
 * production; anything else is UNAUTHENTICATED. Probes against the real gateway over HTTP.
 */
const QUERY = "{ integration { status } }";
const now = (): number => Math.floor(Date.now() / 1000);

describe("caller token limits over HTTP GraphQL", () => {
  let gw: TestGateway;
  let key: Uint8Array;
  beforeAll(async () => {
    gw = await startTestGateway();
    key = new TextEncoder().encode(gw.config.jwtSecret as string);
  });

  /** Correctly signed with the gateway's secret: only the claims are wrong. */
  const signed = (claims: { companyId?: string; exp: number; iat?: number; role?: string }): Promise<string> =>
    new SignJWT({ sub: "prober", role: "ADMIN", companyId: "tokens-co", ...claims })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(key);

  const companyRows = async (companyId: string): Promise<unknown[]> =>
    gw.gateway.db.em().getConnection().execute("select id from company where id = ?", [companyId]);

  const expectUnauthenticated = async (token: string): Promise<string> => {
    for (const query of [QUERY, "mutation { enableIntegration { status } }"]) {
      const res = await gw.gql(query, {}, token);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(res.data ?? null).toBeNull();
    }
    return (await gw.gql(QUERY, {}, token)).errors?.[0]?.message as string;
  };

  it("accepts a valid token (minted by the gateway, and signed by hand up to 24 h)", async () => {
    for (const token of [
      await gw.token("tokens-co"),
      await gw.token("tokens-co", "ADMIN", { expiresIn: "24h" }),
      await signed({ iat: now(), exp: now() + 86_400 }),
    ]) {
      const res = await gw.gql<{ integration: { status: string } }>(QUERY, {}, token);
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data?.integration.status).toBe("NOT_ENABLED");
    }
  });

  it("refuses exp 1e300 (with or without iat) as UNAUTHENTICATED, saying the token lives too long", async () => {
    expect(await expectUnauthenticated(await signed({ exp: 1e300 }))).toMatch(/lives too long.*JWT_MAX_AGE/);
    expect(await expectUnauthenticated(await signed({ iat: now(), exp: 1e300 }))).toMatch(/lives too long/);
  });

  it("refuses an exp 25 h ahead as UNAUTHENTICATED, with or without iat", async () => {
    expect(await expectUnauthenticated(await signed({ exp: now() + 25 * 3600 }))).toMatch(/lives too long/);
    expect(await expectUnauthenticated(await signed({ iat: now(), exp: now() + 25 * 3600 }))).toMatch(/lives too long/);
    // An iat in the future that makes the span look right does not let it outlive 24 h from now.
    expect(await expectUnauthenticated(await signed({ iat: now() + 3600, exp: now() + 25 * 3600 }))).toMatch(
      /lives too long/,
    );
  });

  it("will not mint a token that outlives JWT_MAX_AGE", async () => {
    await expect(gw.token("tokens-co", "ADMIN", { expiresIn: "25h" })).rejects.toThrow(/JWT_MAX_AGE/);
  });

  it.each([
    ["a right-to-left override", "tokens-co\u202Eoc-snekot"],
    ["a right-to-left override alone", "\u202E"],
    ["a space", "tokens co"],
    ["a trailing space", "tokens-co "],
    ["a zero-width space", "tokens\u200B-co"],
    ["a Cyrillic look-alike", "t\u043Ekens-co"],
    ["129 characters", "a".repeat(129)],
    ["nothing", ""],
  ])(
    "refuses a companyId with %s as UNAUTHENTICATED, whatever the role, and creates no company",
    async (_what, companyId) => {
      for (const role of ["ADMIN", "SUPPORT"]) {
        const message = await expectUnauthenticated(await signed({ companyId, role, iat: now(), exp: now() + 600 }));
        expect(message).toMatch(/"companyId" claim is missing or invalid.*A-Z a-z 0-9 \. _ -/);
      }
      expect(await companyRows(companyId)).toHaveLength(0);
      const lookAlikes = (await gw.gateway.db.em().getConnection().execute("select id from company")) as {
        id: string;
      }[];
      for (const { id } of lookAlikes) expect(id).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    },
  );

  it("accepts a 128-character companyId of the charset and creates that company", async () => {
    const companyId = `Az09._-${"x".repeat(121)}`;
    expect(companyId).toHaveLength(128);
    const res = await gw.gql(QUERY, {}, await signed({ companyId, iat: now(), exp: now() + 600 }));
    expect(res.errors).toBeUndefined();
    expect(await companyRows(companyId)).toHaveLength(1);
  });

  it("closes a WebSocket with 4401 for an exp of 1e300 or a look-alike companyId", async () => {
    for (const token of [
      await signed({ exp: 1e300 }),
      await signed({ companyId: "tokens-co\u202E", exp: now() + 600 }),
    ]) {
      const closed = deferred<number>();
      const client = gw.ws(token);
      client.on("closed", (event) => closed.resolve((event as { code: number }).code));
      client.subscribe({ query: QUERY }, { next: () => {}, error: () => {}, complete: () => {} });
      expect(await within(closed.promise, 5_000, "socket close")).toBe(4401);
    }
  });
});

describe("JWT_SECRET in production", () => {
  it('refuses to load the configuration with NODE_ENV=production and JWT_SECRET="a"', () => {
    const env = { NODE_ENV: "production", JWT_SECRET: "a", ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(
      /JWT_SECRET must be at least 32 bytes when NODE_ENV=production.*openssl rand -base64 32/,
    );
    expect(loadConfig({ ...env, JWT_SECRET: "k".repeat(32) }).jwtSecret).toBe("k".repeat(32));
  });
});
