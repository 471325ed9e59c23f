import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { CallerTokens } from "../../src/auth/caller-tokens.js";
import { deferred, within } from "../support/deferred.js";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const JWT_SECRET = randomBytes(32).toString("base64url");
const ENCRYPTION_KEY = randomBytes(32).toString("base64");

let proc: GatewayProcess | null = null;
let db: TestDatabase | null = null;
afterEach(async () => {
  if (proc && proc.child.exitCode === null) proc.child.kill("SIGKILL");
  await proc?.exited;
  await db?.drop();
  proc = null;
  db = null;
});

const databaseUrl = (target: TestDatabase["target"]) => (target.kind === "postgres" ? target.url : "pglite://memory");

describe("the gateway process", () => {
  it("drains and exits 0 within 10 s on SIGTERM, closing open sockets", async () => {
    db = await createTestDatabase();
    proc = await spawnGateway({ DATABASE_URL: databaseUrl(db.target), JWT_SECRET, ENCRYPTION_KEY });
    const token = await new CallerTokens(JWT_SECRET).mint({ subject: "t", companyId: "shutdown-co", role: "ADMIN" });

    const socketClosed = deferred<number>();
    const client = createClient({
      url: `${proc.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    client.on("closed", (e) => socketClosed.resolve((e as { code: number }).code));
    const first = deferred<unknown>();
    client.subscribe(
      { query: "{ integration { status } }" },
      { next: (v) => first.resolve(v), error: first.reject, complete: () => {} },
    );
    // A refusal here is the gateway's to explain: its own log goes with the failure.
    const answer = await within(first.promise, 10_000, "query over websocket").catch((error: unknown) => {
      throw new Error(`${String((error as { code?: number }).code ?? error)}; gateway log:\n${proc?.output()}`);
    });
    expect(answer).toEqual({ data: { integration: { status: "NOT_ENABLED" } } });

    const started = Date.now();
    proc.child.kill("SIGTERM");
    const exit = await within(proc.exited, 10_000, "exit after SIGTERM");
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await within(socketClosed.promise, 2_000, "socket closed");
    expect(proc.output()).toContain("gateway stopped");
    await client.dispose();
  });

  it("refuses to start in production without JWT_SECRET and ENCRYPTION_KEY, with a clear message", async () => {
    proc = await spawnGateway({ NODE_ENV: "production", DATABASE_URL: "pglite://memory" }, { waitReady: false });
    const exit = await within(proc.exited, 10_000, "exit");
    expect(exit.code).toBe(1);
    expect(proc.output()).toMatch(/JWT_SECRET and ENCRYPTION_KEY must be set when NODE_ENV=production/);
  });
});
