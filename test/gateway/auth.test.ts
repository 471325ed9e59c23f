import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { deferred, within } from "../support/deferred.js";
import { TEST_DB } from "../support/test-database.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const QUERY = "{ integration { status } }";

async function signed(
  secret: string,
  claims: Record<string, unknown>,
  opts: { exp?: number | null; sub?: string | null } = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt();
  if (opts.sub !== null) jwt.setSubject(opts.sub ?? "someone");
  if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600);
  return jwt.sign(new TextEncoder().encode(secret));
}

describe("authentication over HTTP", () => {
  let gw: TestGateway;
  let secret: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    secret = gw.config.jwtSecret as string;
  });

  const expectUnauthenticated = async (token: string | null, header?: string) => {
    const res = header
      ? await fetch(`${gw.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: header },
          body: JSON.stringify({ query: QUERY }),
        }).then(async (r) => ({ status: r.status, ...(await r.json()) }))
      : await gw.gql(QUERY, {}, token);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(res.data ?? null).toBeNull();
    return res.errors?.[0]?.message as string;
  };

  it("accepts a valid token", async () => {
    const res = await gw.gql<{ integration: { status: string } }>(QUERY, {}, await gw.token("acme"));
    expect(res.status).toBe(200);
    expect(res.data?.integration.status).toBe("NOT_ENABLED");
  });

  it("rejects a request without a token", async () => {
    expect(await expectUnauthenticated(null)).toMatch(/Missing Authorization/);
  });

  it("rejects a header that is not a bearer token", async () => {
    await expectUnauthenticated(null, "Basic abc");
  });

  it("rejects a bad signature", async () => {
    const token = await signed("another-secret-entirely", { companyId: "acme", role: "ADMIN" });
    expect(await expectUnauthenticated(token)).toMatch(/not valid/);
  });

  it("rejects a garbage token", async () => {
    await expectUnauthenticated("not.a.jwt");
  });

  it("rejects an expired token", async () => {
    const token = await signed(
      secret,
      { companyId: "acme", role: "ADMIN" },
      { exp: Math.floor(Date.now() / 1000) - 60 },
    );
    expect(await expectUnauthenticated(token)).toMatch(/expired/);
  });

  it.each([
    ["companyId", { role: "ADMIN" }, {}],
    ["role", { companyId: "acme" }, {}],
    ["exp", { companyId: "acme", role: "ADMIN" }, { exp: null }],
    ["sub", { companyId: "acme", role: "ADMIN" }, { sub: null }],
  ] as const)("rejects a token missing the %s claim", async (claim, claims, opts) => {
    const token = await signed(secret, claims, opts);
    expect(await expectUnauthenticated(token)).toContain(claim);
  });

  it("rejects an unknown role", async () => {
    const token = await signed(secret, { companyId: "acme", role: "OWNER" });
    await expectUnauthenticated(token);
  });

  it("rejects a token signed with another algorithm", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const body = Buffer.from(
      JSON.stringify({ sub: "x", companyId: "acme", role: "SUPPORT", exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString("base64url");
    await expectUnauthenticated(`${header}.${body}.`);
  });

  it("answers FORBIDDEN to a known role without the right", async () => {
    const admin = await gw.token("acme", "ADMIN");
    const res = await gw.gql("mutation { enableIntegration { status } }", {}, admin);
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("authentication over WebSocket", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });

  const closeCodeFor = async (token: string | null): Promise<number> => {
    const closed = deferred<number>();
    const client = gw.ws(token);
    client.on("closed", (event) => closed.resolve((event as { code: number }).code));
    // Subscribing opens the lazy connection; the server answers connection_init by closing.
    client.subscribe({ query: "{ __typename }" }, { next: () => {}, error: () => {}, complete: () => {} });
    return within(closed.promise, 5_000, "socket close");
  };

  it("closes the socket with 4401 without a token", async () => {
    expect(await closeCodeFor(null)).toBe(4401);
  });

  it("closes the socket with 4401 with an expired token", async () => {
    expect(await closeCodeFor(await gw.token("acme", "ADMIN", { expiresIn: Math.floor(Date.now() / 1000) - 10 }))).toBe(
      4401,
    );
  });

  it("accepts a valid token and runs operations", async () => {
    const client = gw.ws(await gw.token("acme", "SUPPORT"));
    const result = deferred<unknown>();
    client.subscribe(
      { query: "{ integration { status } }" },
      { next: (v) => result.resolve(v), error: result.reject, complete: () => {} },
    );
    expect(await within(result.promise, 5_000, "result")).toEqual({ data: { integration: { status: "NOT_ENABLED" } } });
  });
});

// PostgreSQL only: an embedded PGlite is not "down" short of being closed, which hangs its callers.
describe.runIf(TEST_DB === "postgres")("authentication over WebSocket when PostgreSQL is down", () => {
  it("closes with 4500, not 4401, when a valid token's company cannot be read: the token was not refused", async () => {
    const gw = await startTestGateway();
    const token = await gw.token("never-seen-before", "ADMIN");
    await gw.breakDatabase();
    const closed = deferred<number>();
    const client = gw.ws(token);
    client.on("closed", (event) => closed.resolve((event as { code: number }).code));
    client.subscribe({ query: "{ __typename }" }, { next: () => {}, error: () => {}, complete: () => {} });
    expect(await within(closed.promise, 10_000, "socket close")).toBe(4500);
  });
});
