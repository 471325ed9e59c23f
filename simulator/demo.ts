/**
 * `npm run demo`: the whole thing in one command. Starts the Bob simulator with a generated
 * company, a gateway on in-memory PGlite that talks to it, mints tokens for company "demo",
 * enables and connects the integration through the public API, starts a first sync and prints
 * where to look. Runs until Ctrl-C / SIGTERM, then closes both.
 * It lives beside the simulator, not in src/, because it needs the simulator and neither belongs
 * in the production image.
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { startGateway, type Gateway } from "../src/app.js";
import { createGatewayClient, type GatewayClient } from "../src/cli/client.js";
import {
  ConnectIntegrationDocument,
  EnableIntegrationDocument,
  SyncProgressDocument,
  SyncRunDetailDocument,
  SynchronizeNowDocument,
} from "../src/cli/generated/graphql.js";
import { loadConfig } from "../src/config/config.js";
import { createLogger, type Logger } from "../src/logger.js";
import { startBobSimulator, type BobSimulator } from "./index.js";

export const DEMO_COMPANY = "demo";

export interface DemoOptions {
  /** Gateway port; default $PORT or 4000 (0 = any free port). */
  readonly port?: number;
  /** Employees in the generated Bob company; default 500. */
  readonly employees?: number;
  /** Generator seed; default 2024 (the same company every time). */
  readonly seed?: number;
  /** Gateway log level; default $LOG_LEVEL or "warn" so the banner stays readable. */
  readonly logLevel?: string;
  readonly logger?: Logger;
}

export interface DemoRun {
  readonly id: string;
  readonly status: string;
  readonly phase: string;
  readonly counts: {
    fetched: number;
    created: number;
    updated: number;
    deleted: number;
    unchanged: number;
    skipped: number;
  };
}

export interface Demo {
  /** The gateway's base URL as a browser on this machine reaches it (http://localhost:PORT). */
  readonly url: string;
  readonly graphqlUrl: string;
  /** The console with the admin token in the URL fragment. */
  readonly consoleUrl: string;
  readonly adminToken: string;
  readonly supportToken: string;
  readonly simulator: BobSimulator;
  readonly gateway: Gateway;
  /** The first sync, queued during start-up. */
  readonly firstRunId: string;
  /** What `npm run demo` prints. */
  readonly banner: string;
  /** Resolves when the first sync is DONE (or HELD), with its counts. */
  waitForFirstSync(
    onProgress?: (p: { phase: string; processed: number; total: number | null }) => void,
  ): Promise<DemoRun>;
  /** Closes the gateway, then the simulator. Safe to call twice. */
  stop(): Promise<void>;
}

function defaultPort(): number {
  const raw = process.env.PORT;
  if (raw === undefined || raw === "") return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number (got "${raw}").`);
  return port;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const port = options.port ?? defaultPort();
  const employees = options.employees ?? 500;
  const seed = options.seed ?? 2024;
  const sim = await startBobSimulator({ port: 0, seed, employees });
  let gateway: Gateway | null = null;
  let client: GatewayClient | null = null;
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await client?.close().catch(() => undefined);
      await gateway?.stop();
      await sim.close();
    })();
    return stopping;
  };

  try {
    // The environment's configuration, with the demo's own database, Bob and secrets: an
    // in-memory PGlite, the simulator, and keys that live as long as the process (nothing on disk).
    const base = loadConfig({
      ...process.env,
      PORT: String(port),
      DATABASE_URL: "pglite://memory",
      BOB_API_URL: sim.baseUrl,
      LOG_LEVEL: options.logLevel ?? process.env.LOG_LEVEL ?? "warn",
    });
    const config = {
      ...base,
      jwtSecret: randomBytes(32).toString("base64url"),
      encryptionKey: randomBytes(32).toString("base64"),
    };
    const gw = await startGateway(config, { logger: options.logger ?? createLogger(config.logLevel) });
    gateway = gw;
    const url = `http://localhost:${gw.port}`;
    const graphqlUrl = `${url}/graphql`;
    const mint = (role: "SUPPORT" | "ADMIN"): Promise<string> =>
      gw.tokens.mint({
        subject: `demo-${role.toLowerCase()}`,
        companyId: DEMO_COMPANY,
        role,
        expiresIn: `${base.jwtMaxAgeSeconds}s`,
      });
    const supportToken = await mint("SUPPORT");
    const adminToken = await mint("ADMIN");

    // Everything from here goes through the public API, as any client would.
    const support = createGatewayClient({ url: gw.url, token: supportToken });
    await support.request(EnableIntegrationDocument);
    await support.close();
    client = createGatewayClient({ url: gw.url, token: adminToken });
    const { serviceUser } = sim.credentials;
    await client.request(ConnectIntegrationDocument, {
      i: { accessToken: serviceUser.token, serviceUserId: serviceUser.id },
    });
    const first = await client.request(SynchronizeNowDocument);
    const firstRunId = first.synchronizeNow.id;
    const admin = client;

    const consoleUrl = `${url}/#token=${adminToken}`;
    const cli = `npx bob-gateway`;
    const auth = `--url ${url} --token ${adminToken}`;
    const banner = [
      "",
      `Bob integration gateway demo: company "${DEMO_COMPANY}", ${sim.company.employees().length} employees in the simulated Bob (seed ${seed})`,
      "",
      `  Console:        ${consoleUrl}`,
      `  GraphQL:        ${graphqlUrl}   (subscriptions: ${graphqlUrl.replace(/^http/, "ws")})`,
      `  ADMIN token:    ${adminToken}`,
      `  SUPPORT token:  ${supportToken}`,
      `  Bob simulator:  ${sim.baseUrl}   control API: ${sim.controlUrl}  (GET ${sim.controlUrl}/info)`,
      "",
      "Try the CLI (in another terminal):",
      `  export BOB_GATEWAY_URL=${url} BOB_GATEWAY_TOKEN=${adminToken}`,
      `  ${cli} sync --wait ${auth}`,
      `  ${cli} runs`,
      `  ${cli} run ${firstRunId}`,
      `  ${cli} employees --lifecycle PRE_HIRE`,
      `  ${cli} leavers`,
      `  ${cli} mappings`,
      `  ${cli} --help`,
      "",
      `Change Bob and sync again, e.g. terminate someone through the control API (${sim.controlUrl}, see simulator/README.md).`,
      "",
    ].join("\n");

    return {
      url,
      graphqlUrl,
      consoleUrl,
      adminToken,
      supportToken,
      simulator: sim,
      gateway: gw,
      firstRunId,
      banner,
      async waitForFirstSync(onProgress) {
        await admin.subscribe(
          SyncProgressDocument,
          { id: firstRunId },
          (e) => onProgress?.(e.syncProgress),
          (e) => e.syncProgress.phase === "DONE" || e.syncProgress.status === "HELD",
        );
        const done = await admin.request(SyncRunDetailDocument, { id: firstRunId, issues: 0, changes: 0 });
        if (!done.syncRun) throw new Error(`sync run ${firstRunId} not found`);
        return done.syncRun;
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  let demo: Demo;
  try {
    demo = await startDemo();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = /EADDRINUSE/.test(message) ? ` (port in use: PORT=4100 npm run demo)` : "";
    process.stderr.write(`demo failed to start: ${message}${hint}\n`);
    process.exit(1);
  }
  process.stdout.write(demo.banner);
  let signalled = false;
  const shutdown = (signal: string): void => {
    if (signalled) return;
    signalled = true;
    process.stdout.write(`\n${signal}: stopping the gateway and the Bob simulator\n`);
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    demo.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  process.stdout.write(`First sync ${demo.firstRunId} under way...\n`);
  try {
    let lastPhase = "";
    const run = await demo.waitForFirstSync((p) => {
      if (p.phase !== lastPhase) {
        lastPhase = p.phase;
        process.stdout.write(
          `  ${p.phase}${p.total !== null && p.phase === "APPLYING" ? ` (${p.total} changes)` : ""}\n`,
        );
      }
    });
    const c = run.counts;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `First sync ${run.status} after ${seconds} s: fetched ${c.fetched}, created ${c.created}, updated ${c.updated}, deleted ${c.deleted}, skipped ${c.skipped} (issues: npx bob-gateway run ${run.id}).\n` +
        `Open ${demo.consoleUrl}\nCtrl-C to stop.\n`,
    );
  } catch (error) {
    if (!signalled)
      process.stderr.write(
        `Could not follow the first sync: ${error instanceof Error ? error.message : String(error)}\n`,
      );
  }
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) void main();
