import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

/**
 * Browser-facing hardening: the console's security headers (its CSP is exercised for real by
 * test/console, which fails on any page error or CSP violation), and /graphql answering a body
 * it cannot read with a GraphQL-style JSON error instead of Express's HTML error page.
 */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PAGE = join(ROOT, "dist", "console", "index.html");

/** The console is built by `npm run build` (npm test does it); build it when missing. */
function ensureConsoleBuilt(): void {
  if (existsSync(PAGE)) return;
  for (const args of [
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.console.json")],
    [join(ROOT, "scripts", "build-console.mjs")],
  ]) {
    const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`console build failed: ${res.stdout}${res.stderr}`);
  }
}

interface ErrorBody {
  errors: { message: string; extensions: { code: string } }[];
}

async function jsonError(res: Response): Promise<ErrorBody> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  const text = await res.text();
  expect(text).not.toMatch(/<html|<pre|<!DOCTYPE/i);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.errors).toHaveLength(1);
  expect(typeof body.errors[0]?.message).toBe("string");
  return body;
}

describe("HTTP security headers and body errors", () => {
  let gw: TestGateway;
  let expectedCsp: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    gw = await startTestGateway();
    // The page's only inline script is its import map, allowed by its hash.
    const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(readFileSync(PAGE, "utf8"))?.[1];
    expect(importMap).toBeDefined();
    const hash = createHash("sha256")
      .update(importMap as string)
      .digest("base64");
    const host = new URL(gw.url).host;
    expectedCsp =
      `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self'; img-src 'self' data:; ` +
      `connect-src 'self' ws://${host} wss://${host}; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
  });

  it.each(["/", "/index.html", "/main.mjs", "/styles.css"])(
    "serves console %s with CSP, X-Frame-Options, nosniff and Referrer-Policy",
    async (path) => {
      const res = await fetch(`${gw.url}${path}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(res.headers.get("content-security-policy")).toBe(expectedCsp);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    },
  );

  it("answers a /graphql body over 1 MiB with 413 and a JSON GraphQL error", async () => {
    const body = JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(2 * 1024 * 1024) } });
    const res = await fetch(`${gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(413);
    const { errors } = await jsonError(res);
    expect(errors[0]?.extensions.code).toBe("PAYLOAD_TOO_LARGE");
    expect(errors[0]?.message).toMatch(/1 MiB/);
  });

  it("answers a malformed JSON body on /graphql with 400 and a JSON GraphQL error", async () => {
    const res = await fetch(`${gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"query": "{ __typename }",',
    });
    expect(res.status).toBe(400);
    const { errors } = await jsonError(res);
    expect(errors[0]?.extensions.code).toBe("BAD_REQUEST");
    expect(errors[0]?.message).toBe("Request body is not valid JSON.");
    // The parser's message (which quotes the body) is not echoed.
    expect(JSON.stringify(errors)).not.toContain("__typename");
  });

  it("still answers an ordinary /graphql request as before, with nosniff", async () => {
    const res = await fetch(`${gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    // No token: the usual GraphQL answer (UNAUTHENTICATED or data), not a body error.
    expect(body.errors?.[0]?.extensions?.code ?? "none").not.toMatch(/BAD_REQUEST|PAYLOAD_TOO_LARGE/);
  });
});
