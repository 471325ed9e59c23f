import "reflect-metadata";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { CallerTokens } from "./auth/caller-tokens.js";
import type { GatewayConfig } from "./config/config.js";
import { resolveSecrets, type GatewaySecrets } from "./config/secrets.js";
import { BobHttpClient, BobRateLimiter } from "./bob/index.js";
import { BobFieldMetadataCache } from "./bob/field-metadata-cache.js";
import { AttributeService } from "./domain/attributes/attribute-service.js";
import { ConnectionService } from "./domain/integration/connection-service.js";
import { FullSyncRunner } from "./domain/runs/full-sync-runner.js";
import { SyncService } from "./domain/runs/sync-service.js";
import { JobQueue, type JobQueueOptions } from "./jobs/job-queue.js";
import { InProcessProgressBus, PostgresProgressBus } from "./pubsub/progress-bus.js";
import { SqlDirectoryStore } from "./persistence/stores/directory-store.js";
import { OrmDeliveryStore } from "./persistence/stores/delivery-store.js";
import { InProcessCompanyLock, PostgresCompanyLock } from "./persistence/company-lock.js";
import type { CompanyLock } from "./domain/ports/company-lock.js";
import { WebhookApplier } from "./domain/webhooks/webhook-applier.js";
import { WebhookIntake } from "./domain/webhooks/webhook-intake.js";
import { WebhookService } from "./domain/webhooks/webhook-service.js";
import { webhookFastPath, webhookRoutes } from "./http/webhook-routes.js";
import { OrmSyncRunStore } from "./persistence/stores/sync-run-store.js";
import { IntegrationService } from "./domain/integration/integration-service.js";
import { systemClock, type Clock } from "./domain/ports/clock.js";
import { TenancyService } from "./domain/tenancy/tenancy-service.js";
import { createGraphQLHttpEndpoint } from "./graphql/http-endpoint.js";
import { GraphQLReadCache } from "./graphql/read-cache.js";
import { SqlDirectoryVersionStore } from "./persistence/stores/directory-version-store.js";
import { buildGatewaySchema } from "./graphql/schema.js";
import { createGraphQLWsEndpoint, type GraphQLWsEndpoint } from "./graphql/ws-endpoint.js";
import { consoleRoutes } from "./http/console-routes.js";
import { healthRoutes } from "./http/health-routes.js";
import { requestId } from "./http/request-id.js";
import { createLogger, type Logger } from "./logger.js";
import { openDatabase, type Database } from "./persistence/database.js";
import { OrmAttributeStore } from "./persistence/stores/attribute-store.js";
import { OrmCompanyStore } from "./persistence/stores/company-store.js";
import { OrmConnectionStore } from "./persistence/stores/connection-store.js";
import { SecretBox } from "./security/secret-box.js";
import type { Services } from "./services.js";

export interface GatewayOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Called for every SQL statement the ORM runs (tests count queries per request with it). */
  readonly onQuery?: (sql: string) => void;
  readonly jobs?: JobQueueOptions;
  /** How old a copy of Bob's field metadata fieldMappings may show (default 60 s; 0: always live). */
  readonly fieldMetadataTtlMs?: number;
  /** The GraphQL read cache of directory queries (graphql/read-cache.ts); false turns it off. */
  readonly graphqlReadCache?: false | { readonly maxBytes?: number };
}

export interface Gateway {
  readonly url: string;
  readonly port: number;
  readonly db: Database;
  readonly services: Services;
  readonly jobs: JobQueue;
  /** One writer of a company's directory at a time, across replicas (operators, tests). */
  readonly lock: CompanyLock;
  readonly tokens: CallerTokens;
  readonly secrets: GatewaySecrets;
  readonly logger: Logger;
  /** Null when turned off (GatewayOptions.graphqlReadCache: false). */
  readonly readCache: GraphQLReadCache | null;
  /** Drains and closes everything: HTTP, sockets, job workers, database. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The composition root: the only place that knows every adapter. It opens the database,
 * applies migrations, wires the domain services to their ports and serves HTTP + WebSocket.
 */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const { secrets, generated } = await resolveSecrets(config);
  if (generated) logger.warn({ dataDir: config.dataDir }, "development secrets generated and kept in the data directory");

  const db = await openDatabase(config.database, options.onQuery);
  let migrated = false;
  try {
    const applied = await db.migrate();
    migrated = true;
    if (applied.length > 0) logger.info({ applied }, "migrations applied");
  } catch (error) {
    await db.close();
    throw error;
  }

  const companies = new OrmCompanyStore(db);
  const connections = new OrmConnectionStore(db, new SecretBox(secrets.encryptionKey, secrets.previousEncryptionKeys));
  // One rate-limit budget per Bob credential, shared by every call this process makes.
  const bobLimiter = new BobRateLimiter();
  // Connecting answers the admin within 30 s whatever Bob does; the sync may wait longer for big answers.
  const bobForConnect = new BobHttpClient({ baseUrl: config.bobApiUrl, rateLimiter: bobLimiter, logger, deadlineMs: 25_000, requestTimeoutMs: 20_000 });
  const bobForSync = new BobHttpClient({ baseUrl: config.bobApiUrl, rateLimiter: bobLimiter, logger, requestTimeoutMs: config.bobSyncTimeoutMs, deadlineMs: Math.max(300_000, config.bobSyncTimeoutMs * 3) });
  // fieldMappings reads Bob's field metadata through a short-lived per-credential copy; the full
  // sync (runner below) reads it fresh from Bob on every run and refreshes that copy.
  const fieldMetadata = new BobFieldMetadataCache(options.fieldMetadataTtlMs !== undefined ? { ttlMs: options.fieldMetadataTtlMs } : {});
  const attributeStore = new OrmAttributeStore(db);
  const directory = new SqlDirectoryStore(db, { cachedEmployees: config.directoryCacheEmployees });
  const jobs = await JobQueue.start(db, logger, options.jobs);
  const runs = new OrmSyncRunStore(db, jobs);
  const progress = db.kind === "postgres" ? await PostgresProgressBus.start(db, logger) : new InProcessProgressBus();
  const lock = db.url ? new PostgresCompanyLock(db.url) : new InProcessCompanyLock();
  const deliveries = new OrmDeliveryStore(db, jobs);
  // PostgreSQL applies two batches at once (one core each for the inserts); PGlite has one connection.
  const applyConcurrency = db.kind === "postgres" ? 2 : 1;
  const runner = new FullSyncRunner({ bob: fieldMetadata.refreshing(bobForSync), runs, directory, attributes: attributeStore, companies, connections, progress, clock, lock, applyConcurrency });
  const services: Services = {
    tenancy: new TenancyService(companies),
    integration: new IntegrationService(companies, clock, config.publicUrl),
    attributes: new AttributeService(attributeStore, companies),
    connection: new ConnectionService(companies, connections, fieldMetadata.wrap(bobForConnect), clock, config.publicUrl, attributeStore),
    sync: new SyncService({ companies, connections, attributes: attributeStore, runs, directory, bob: fieldMetadata.wrap(bobForSync), clock, prefetch: (companyId) => runner.prefetch(companyId) }),
    progress,
    webhooks: new WebhookService(companies, connections, deliveries, config.publicUrl),
  };
  const applier = new WebhookApplier({ deliveries, connections, directory, attributes: attributeStore, runner, lock, clock });
  const intake = new WebhookIntake(connections, deliveries, clock);
  await jobs.workFullSync(async (job) => {
    await runner.run(job.runId);
  });
  await jobs.workReconcile(async () => {
    const queued = await services.sync.reconcileDue();
    if (queued.length > 0) logger.info({ runs: queued.map((r) => r.id) }, "reconciliation syncs queued");
  });
  await jobs.workWebhookApply(async (companyId, isLastAttempt) => {
    try {
      await applier.drain(companyId);
    } catch (error) {
      if (!isLastAttempt) throw error;
      logger.error({ err: error, companyId }, "webhook application failed after its last attempt; deliveries marked FAILED");
      await applier.giveUp(companyId, error);
    }
  });
  await jobs.resumeWebhookApply(await deliveries.companiesWithPending());
  const tokens = new CallerTokens(secrets.jwtSecret, { maxAgeSeconds: config.jwtMaxAgeSeconds });

  const app = express();
  app.disable("x-powered-by");
  app.use(requestId);
  // Before any body parser: the signature is over the raw bytes Bob sent.
  app.use(webhookRoutes(intake, logger));
  app.use(
    healthRoutes({
      async check() {
        if (!migrated) throw new Error("migrations not applied");
        try {
          await db.ping();
        } catch {
          throw new Error("database unreachable");
        }
      },
    }),
  );

  // Bob's deliveries skip Express (same answers; anything unusual still goes through the Express route).
  const webhookFast = webhookFastPath(intake, logger);
  const httpServer: Server = createServer((req, res) => {
    if (!webhookFast(req, res)) app(req, res);
  });
  const schema = await buildGatewaySchema();
  let ws: GraphQLWsEndpoint | null = null;
  const readCache = options.graphqlReadCache === false ? null : new GraphQLReadCache({ versions: new SqlDirectoryVersionStore(db), clock, ...options.graphqlReadCache });
  const graphql = await createGraphQLHttpEndpoint({
    schema,
    tokens,
    services,
    logger,
    plugins: [],
    readCache,
  });
  app.use("/graphql", ...graphql.handler);
  app.use(consoleRoutes());
  ws = createGraphQLWsEndpoint({ httpServer, schema, tokens, services, logger });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ port, database: db.kind }, "gateway listening");

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info("gateway stopping");
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await ws?.dispose();
      await graphql.apollo.stop();
      await jobs.stop();
      await progress.close();
      if (lock instanceof PostgresCompanyLock) await lock.close();
      httpServer.closeIdleConnections();
      // Requests in flight finish; keep-alive sockets that stay idle are closed.
      const forceAfter = setTimeout(() => httpServer.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(forceAfter);
      await db.close();
      logger.info("gateway stopped");
    })();
    return stopping;
  };

  return { url, port, db, services, jobs, lock, tokens, secrets, logger, readCache, stop };
}
