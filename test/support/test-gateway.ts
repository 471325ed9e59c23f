import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll } from "vitest";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { startGateway, type Gateway, type GatewayOptions } from "../../src/app.js";
import type { GatewayConfig } from "../../src/config/config.js";
import type { Role } from "../../src/domain/caller.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase } from "./test-database.js";

export interface GraphQLResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly data?: T | null;
  readonly errors?: { message: string; extensions?: { code?: string; [k: string]: unknown }; path?: unknown[] }[];
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly config: GatewayConfig;
  /** Every log line the gateway wrote, as text (to assert nothing secret is logged). */
  readonly logs: string[];
  token(companyId: string, role?: Role, options?: { expiresIn?: string | number; subject?: string }): Promise<string>;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLResponse<T>>;
  ws(token: string | null): Client;
  /** Makes the database unreachable under the running gateway (PostgreSQL: cut; PGlite: closed for good). */
  breakDatabase(): Promise<void>;
  /** PostgreSQL only: let the gateway reconnect. */
  restoreDatabase(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<TestGateway>();

// Every gateway a test file started is stopped when the file ends, whatever happened.
afterAll(async () => {
  await Promise.all([...running].map((g) => g.stop()));
});

/** Boots the real gateway on a random port against a fresh database (TEST_DB decides which). */
export async function startTestGateway(
  overrides: Partial<GatewayConfig> = {},
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const db = await createTestDatabase();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const config: GatewayConfig = {
    port: 0,
    host: "127.0.0.1",
    database: db.target,
    bobApiUrl: "http://127.0.0.1:9/v1",
    bobSyncTimeoutMs: 120_000,
    directoryCacheEmployees: 100_000,
    publicUrl: "http://gateway.test",
    production: false,
    dataDir: "/nonexistent-test-data-dir",
    jwtSecret: randomBytes(32).toString("base64url"),
    jwtMaxAgeSeconds: 86_400,
    encryptionKey: randomBytes(32).toString("base64"),
    logLevel: "info",
    ...overrides,
  };
  const gateway = await startGateway(config, { logger: createLogger(config.logLevel, sink), ...options });
  const sockets = new Set<Client>();
  let stopped: Promise<void> | null = null;
  const handle: TestGateway = {
    gateway,
    url: gateway.url,
    config,
    logs,
    token: (companyId, role = "ADMIN", opts = {}) =>
      gateway.tokens.mint({
        subject: opts.subject ?? "test-user",
        companyId,
        role,
        ...(opts.expiresIn !== undefined ? { expiresIn: opts.expiresIn } : {}),
      }),
    async gql(query, variables, token) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${gateway.url}/graphql`, {
        method: "POST",
        headers,
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GraphQLResponse<never>;
      return { ...body, status: res.status };
    },
    ws(token) {
      const client = createClient({
        url: `${gateway.url.replace("http", "ws")}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: true,
      });
      sockets.add(client);
      return client;
    },
    async breakDatabase() {
      if (db.target.kind === "postgres") await db.cutConnections();
      else await gateway.db.pglite?.close();
    },
    restoreDatabase: () => db.restoreConnections(),
    stop() {
      stopped ??= (async () => {
        running.delete(handle);
        await Promise.all([...sockets].map((s) => s.dispose()));
        await gateway.stop();
        await db.restoreConnections().catch(() => undefined);
        await db.drop();
      })();
      return stopped;
    },
  };
  running.add(handle);
  return handle;
}
