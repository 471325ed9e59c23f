import "reflect-metadata";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MessagePort } from "node:worker_threads";
import express from "express";
import { CallerTokens } from "./auth/caller-tokens.js";
import { DEFAULT_SYNC_CONCURRENCY, type GatewayConfig } from "./config/config.js";
import { resolveSecrets, type GatewaySecrets } from "./config/secrets.js";
import { BobHttpClient, BobRateLimiter } from "./bob/index.js";
import { BobFieldMetadataCache } from "./bob/field-metadata-cache.js";
import { AttributeService } from "./domain/attributes/attribute-service.js";
import { ConnectionService } from "./domain/integration/connection-service.js";
import { FullSyncRunner } from "./domain/sync/full-sync-runner.js";
import { SyncService } from "./domain/sync/sync-service.js";
import { DirectoryService } from "./domain/directory/directory-service.js";
import { FieldMappingService } from "./domain/integration/field-mapping-service.js";
import { JobQueue, QUEUES, type JobQueueOptions } from "./jobs/job-queue.js";
import {
  bobObservers,
  cacheStatsOf,
  createMetricsRegistry,
  GatewayMetrics,
  metricsRoute,
  observedDeliveries,
  queueDepthsOf,
  RunMetrics,
  webhookAckTimer,
} from "./metrics/index.js";
import { InProcessProgressBus, PostgresProgressBus } from "./pubsub/progress-bus.js";
import { PostgresOwnerChangesBus } from "./pubsub/owner-changes-bus.js";
import { PostgresListener } from "./pubsub/pg-listener.js";
import { SqlSharedRateWindow } from "./persistence/stores/shared-rate-window.js";
import { SqlDirectoryStore } from "./persistence/stores/directory-store.js";
import { SqlHistoryStore } from "./persistence/stores/history-store.js";
import { SqlHealthStore } from "./persistence/stores/health-store.js";
import { HealthService } from "./domain/integration/health-service.js";
import { ConnectThrottle } from "./domain/integration/connect-throttle.js";
import { HistoryService } from "./domain/history/history-service.js";
import { SurveyService } from "./domain/survey/survey-service.js";
import { OrmDeliveryStore } from "./persistence/stores/delivery-store.js";
import { InProcessCompanyLock, PostgresCompanyLock } from "./persistence/company-lock.js";
import type { CompanyLock } from "./domain/ports/company-lock.js";
import { WebhookApplier } from "./domain/webhooks/webhook-applier.js";
import { WebhookIntake } from "./domain/webhooks/webhook-intake.js";
import { WebhookService } from "./domain/webhooks/webhook-service.js";
import { webhookFastPath, webhookRoutes } from "./http/webhook-routes.js";
import { serverTimeouts } from "./http/server-timeouts.js";
import { announcingOwnerChanges } from "./domain/webhooks/announcing-connection-store.js";
import { OrmSyncRunStore } from "./persistence/stores/sync-run-store.js";
import { IntegrationService } from "./domain/integration/integration-service.js";
import { systemClock, type Clock } from "./domain/ports/clock.js";
import { TenancyService } from "./domain/tenancy/tenancy-service.js";
import { HeavyOperationGate } from "./graphql/heavy-operation-gate.js";
import { createGraphQLHttpEndpoint } from "./graphql/http-endpoint.js";
import { heavyQueryOffload, heavyQueryRemote } from "./graphql/heavy-query-offload.js";
import { QueryThread } from "./threads/query-thread.js";
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
import { OrmMappingOverrideStore } from "./persistence/stores/mapping-override-store.js";
import { OrmCompanyStore } from "./persistence/stores/company-store.js";
import { OrmConnectionStore } from "./persistence/stores/connection-store.js";
import { SecretBox } from "./security/secret-box.js";
import { resealStoredSecrets, type RotationReport } from "./persistence/stores/secret-rotation.js";
import { RetentionService, DEFAULT_RETENTION_DAYS } from "./domain/retention/retention-service.js";
import { SqlRetentionStore } from "./persistence/stores/retention-store.js";
import type { Services } from "./services.js";
import { NotificationService } from "./domain/notifications/notification-service.js";
import { OrmNotificationStore } from "./persistence/stores/notification-store.js";
import { NotificationSender, type SendOutcome } from "./notifications/notification-sender.js";
import type { Resolver } from "./notifications/target-addresses.js";

export interface GatewayOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Called for every SQL statement the ORM runs (tests count queries per request with it). */
  readonly onQuery?: (sql: string) => void;
  readonly jobs?: JobQueueOptions;
  /** How old a copy of Bob's field metadata fieldMappings may show (default 0: always live; concurrent readers share one read). */
  readonly fieldMetadataTtlMs?: number;
  /** The GraphQL read cache of directory queries (graphql/read-cache.ts); false turns it off. */
  readonly graphqlReadCache?: false | { readonly maxBytes?: number };
  /** Rows per retention delete statement (default 5,000; tests use a few to see the batches). */
  readonly retentionBatchRows?: number;
  /** How long a client may take to send a whole request, headers included (default 15 s; tests shorten it). */
  readonly requestTimeoutMs?: number;
  /** Notification delivery (README, "Notifications"); tests reach a local receiver with it. */
  readonly notifications?: NotificationOptions;
  /**
   * "queries": the read-only gateway of a query thread (threads/query-thread.ts), beside a full
   * one in the same process: no migrations, key rotation, job workers, schedules or LISTEN; it
   * serves heavy queries the full gateway sends it on a loopback port. Default "full".
   */
  readonly role?: "full" | "queries";
  /** Secrets already resolved by the gateway that starts this one (the query thread gets its parent's). */
  readonly secrets?: GatewaySecrets;
  /** The query thread's entry (default: threads/query-thread-main.js beside this file, once built). */
  readonly queryThreadEntry?: URL;
  /** A query thread on PGlite: its port to the parent's embedded database (PgliteClient.connectPort). */
  readonly pglitePort?: MessagePort;
}

export interface NotificationOptions {
  /** Resolves notification hosts (default: the system's DNS). */
  readonly resolver?: Resolver;
  /**
   * Internal addresses (e.g. "127.0.0.1") a notification may still be sent to. Tests only: never
   * on by default, not settable from the environment. URLs naming an internal IP literal, or
   * localhost, are refused when set whatever this says.
   */
  readonly allowPrivateNotificationTargets?: readonly string[];
  /** Each delivery attempt's outcome (tests wait on it instead of sleeping). */
  readonly onOutcome?: (outcome: NotificationOutcome) => void;
}

export interface NotificationOutcome {
  readonly companyId: string;
  readonly eventId: string;
  readonly type: string;
  /** SENT, OFF (turned off since), REFUSED (target not allowed), FAILED (pg-boss retries unless it was the last attempt). */
  readonly outcome: SendOutcome | "FAILED";
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
  /** Deletes what is older than RETENTION_DAYS (the daily job calls it; operators and tests may too). */
  readonly retention: RetentionService;
  /** What the start-up key rotation re-encrypted under the current ENCRYPTION_KEY. */
  readonly keyRotation: RotationReport;
  /** Queues signed notifications (the Notifier the lead's credential checks and the runner call); checkSilence() is what the hourly job does. */
  readonly notifications: NotificationService;
  /** Heavy queries' thread (config.queryThread on PostgreSQL); null when there is none. */
  readonly queryThread: QueryThread | null;
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
  const role = options.role ?? "full";
  const { secrets, generated } = options.secrets
    ? { secrets: options.secrets, generated: false }
    : await resolveSecrets(config);
  if (generated)
    logger.warn({ dataDir: config.dataDir }, "development secrets generated and kept in the data directory");

  const db = await openDatabase(config.database, options.onQuery, options.pglitePort);
  // A query thread's parent migrated the database and rotated its keys before starting it.
  let migrated = role === "queries";
  try {
    const applied = migrated ? [] : await db.migrate();
    migrated = true;
    if (applied.length > 0) logger.info({ applied }, "migrations applied");
  } catch (error) {
    await db.close();
    throw error;
  }

  const secretBox = new SecretBox(secrets.encryptionKey, secrets.previousEncryptionKeys);
  const companies = new OrmCompanyStore(db, secretBox);
  const connections = new OrmConnectionStore(db, secretBox);
  // Key rotation before serving: whatever a previous ENCRYPTION_KEY sealed is sealed again under
  // the current one, so the previous key can be dropped after this start (README, "Key rotation").
  let keyRotation: RotationReport;
  try {
    keyRotation =
      role === "queries" ? { resealed: 0, unreadable: 0 } : await resealStoredSecrets(db, secretBox, logger);
  } catch (error) {
    await db.close();
    throw error;
  }
  // One rate-limit budget per Bob credential: on PostgreSQL shared by every replica (Bob limits
  // the credential, not the process), on PGlite (one process) kept in memory.
  const bobLimiter = new BobRateLimiter(db.kind === "postgres" ? { shared: new SqlSharedRateWindow(db) } : {});
  // Prometheus metrics (README, "Metrics"): a registry per gateway; the domain only sees decorated ports.
  const metrics = new GatewayMetrics(createMetricsRegistry());
  const runMetrics = new RunMetrics(metrics);
  const bobObserved = bobObservers(metrics);
  // Connecting answers the admin within 30 s whatever Bob does; the sync may wait longer for big answers.
  const bobForConnect = new BobHttpClient({
    baseUrl: config.bobApiUrl,
    rateLimiter: bobLimiter,
    logger,
    ...bobObserved,
    deadlineMs: 25_000,
    requestTimeoutMs: 20_000,
  });
  const bobForSync = new BobHttpClient({
    baseUrl: config.bobApiUrl,
    rateLimiter: bobLimiter,
    logger,
    ...bobObserved,
    requestTimeoutMs: config.bobSyncTimeoutMs,
    deadlineMs: Math.max(300_000, config.bobSyncTimeoutMs * 3),
  });
  // fieldMappings reads Bob's field metadata through a short-lived per-credential copy; the full
  // sync (runner below) reads it fresh from Bob on every run and refreshes that copy.
  const fieldMetadata = new BobFieldMetadataCache(
    options.fieldMetadataTtlMs !== undefined ? { ttlMs: options.fieldMetadataTtlMs } : {},
  );
  const attributeStore = new OrmAttributeStore(db);
  const mappingOverrides = new OrmMappingOverrideStore(db);
  const directory = new SqlDirectoryStore(db, { cachedEmployees: config.directoryCacheEmployees });
  const jobs =
    role === "queries" ? await JobQueue.sendOnly(db, logger) : await JobQueue.start(db, logger, options.jobs);
  const runs = runMetrics.observeRuns(new OrmSyncRunStore(db, jobs));
  // On PostgreSQL one LISTEN connection per process carries every channel (sync progress, owner changes).
  // (A query thread serves no subscription and keeps no webhook owner: it listens to nothing.)
  const listener = db.url && role === "full" ? await PostgresListener.start(db.url, logger) : null;
  const progress = runMetrics.observeBus(
    listener ? await PostgresProgressBus.start(db, listener, logger) : new InProcessProgressBus(),
  );
  const lock = db.url
    ? new PostgresCompanyLock(db.url, (companyId, error) =>
        logger.warn({ err: error, companyId }, "company lock session lost while its work ran"),
      )
    : new InProcessCompanyLock();
  const deliveries = observedDeliveries(new OrmDeliveryStore(db, jobs), metrics);
  // PostgreSQL applies two batches at once (one core each for the inserts); PGlite has one connection.
  const applyConcurrency = db.kind === "postgres" ? 2 : 1;
  const intake = new WebhookIntake(connections, deliveries, clock);
  // A new hook secret, a disconnect or a rotated URL reaches the intake's owner cache at once: on
  // PostgreSQL every replica's, through NOTIFY; on PGlite (one process) only this one's.
  const ownerChanges = listener ? await PostgresOwnerChangesBus.start(db, listener, intake, logger) : intake;
  const ownerWrites = announcingOwnerChanges(connections, ownerChanges);
  const notificationStore = new OrmNotificationStore(db, secretBox, jobs);
  const notifications = new NotificationService(notificationStore, clock, undefined, (error, companyId, type) =>
    logger.error({ err: error, companyId, type }, "notification could not be queued; it is not sent"),
  );
  // Bob refused the stored credential during a sync or a drain (NEEDS_RECONNECT): told once per refusal.
  const onCredentialRefused = async (companyId: string, reason: string): Promise<void> => {
    const { connection } = await companies.getIntegration(companyId);
    await notifications.notify(companyId, {
      type: "CREDENTIAL_REFUSED",
      connectedAt: connection?.connectedAt ?? clock.now(),
      reason,
    });
  };
  const runner = new FullSyncRunner({
    bob: fieldMetadata.refreshing(bobForSync),
    runs,
    directory,
    attributes: attributeStore,
    overrides: mappingOverrides,
    companies,
    connections,
    progress,
    clock,
    lock,
    applyConcurrency,
    notifier: notifications,
    onCredentialRefused,
  });
  const services: Services = {
    tenancy: new TenancyService(companies),
    integration: new IntegrationService(companies, clock, config.publicUrl, { production: config.production }),
    attributes: new AttributeService(attributeStore, companies),
    connection: new ConnectionService(
      companies,
      ownerWrites,
      fieldMetadata.wrap(bobForConnect),
      clock,
      config.publicUrl,
      attributeStore,
      new ConnectThrottle(),
      (companyId) => jobs.resumeWebhookApply([companyId]),
      mappingOverrides,
    ),
    sync: new SyncService({ companies, runs, clock, prefetch: (companyId) => runner.prefetch(companyId) }),
    directory: new DirectoryService({ companies, directory, clock }),
    fieldMappings: new FieldMappingService({
      companies,
      connections,
      attributes: attributeStore,
      overrides: mappingOverrides,
      bob: fieldMetadata.wrap(bobForSync),
    }),
    progress,
    webhooks: new WebhookService(companies, ownerWrites, deliveries, config.publicUrl),
    history: new HistoryService({ history: new SqlHistoryStore(db), directory, attributes: attributeStore }),
    health: new HealthService({ health: new SqlHealthStore(db), clock }),
    survey: new SurveyService({ directory, attributes: attributeStore, companies, runs, clock }),
  };
  const applier = new WebhookApplier({
    deliveries,
    connections,
    directory,
    attributes: attributeStore,
    runner,
    lock,
    clock,
    onCredentialRefused,
  });
  const retention = new RetentionService(
    new SqlRetentionStore(db),
    clock,
    config.retentionDays ?? DEFAULT_RETENTION_DAYS,
    options.retentionBatchRows,
  );
  const notificationSender = new NotificationSender(notificationStore, {
    production: config.production,
    ...(options.notifications?.resolver ? { resolver: options.notifications.resolver } : {}),
    allowPrivateTargets: options.notifications?.allowPrivateNotificationTargets ?? [],
  });
  // A query thread only answers queries: the jobs are its parent's (and every replica's).
  if (role === "full") {
    await jobs.workFullSync(async (job) => {
      await runner.run(job.runId);
    }, config.syncConcurrency ?? DEFAULT_SYNC_CONCURRENCY);
    await jobs.workReconcile(async () => {
      const queued = await services.sync.reconcileDue();
      if (queued.length > 0) logger.info({ runs: queued.map((r) => r.id) }, "reconciliation syncs queued");
    });
    await jobs.workNotifications(async (job, isLastAttempt) => {
      const about = { companyId: job.companyId, eventId: job.eventId, type: job.type };
      try {
        const outcome = await notificationSender.send(job);
        if (outcome === "SENT") logger.info(about, "notification sent");
        else
          logger.warn(
            { ...about, outcome },
            outcome === "OFF"
              ? "notification dropped: notifications were turned off"
              : "notification dropped: its target is not allowed (internal address, or not https in production)",
          );
        options.notifications?.onOutcome?.({ ...about, outcome });
      } catch (error) {
        // The reason only (a status, a timeout): never the secret, the signature or the URL.
        logger.warn(
          { ...about, reason: error instanceof Error ? error.message : String(error), lastAttempt: isLastAttempt },
          isLastAttempt ? "notification not delivered; giving up" : "notification not delivered; pg-boss will retry it",
        );
        options.notifications?.onOutcome?.({ ...about, outcome: "FAILED" });
        throw error;
      }
    });
    await jobs.workNotificationCheck(async () => {
      const queued = await notifications.checkSilence();
      if (queued > 0) logger.info({ queued }, "NO_SUCCESSFUL_SYNC notifications queued");
    });
    await jobs.workRetention(async () => {
      const report = await retention.purge();
      logger.info(
        { olderThan: report.olderThan, deleted: report.deleted },
        "retention: records older than RETENTION_DAYS deleted",
      );
    });
    await jobs.workWebhookApply(async (companyId, isLastAttempt) => {
      try {
        await applier.drain(companyId);
      } catch (error) {
        if (!isLastAttempt) throw error;
        logger.error(
          { err: error, companyId },
          "webhook application failed after its last attempt; deliveries marked FAILED",
        );
        await applier.giveUp(companyId, error);
      }
    });
    await jobs.resumeWebhookApply(await deliveries.companiesWithPending());
  }
  const tokens = new CallerTokens(secrets.jwtSecret, { maxAgeSeconds: config.jwtMaxAgeSeconds });

  const app = express();
  app.disable("x-powered-by");
  app.use(requestId);
  app.use(metricsRoute(metrics.registry, config.metricsToken, logger));
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
  const ackTimer = webhookAckTimer(metrics);
  const httpServer: Server = createServer(serverTimeouts(options.requestTimeoutMs), (req, res) => {
    ackTimer(req, res);
    if (!webhookFast(req, res)) app(req, res);
  });
  const schema = await buildGatewaySchema();
  let ws: GraphQLWsEndpoint | null = null;
  const readCache =
    options.graphqlReadCache === false
      ? null
      : new GraphQLReadCache({ versions: new SqlDirectoryVersionStore(db), clock, ...options.graphqlReadCache });
  metrics.sources.queueDepths = queueDepthsOf(jobs.boss, Object.values(QUEUES));
  metrics.sources.caches = cacheStatsOf({
    graphql_read: readCache
      ? () => ({ hits: readCache.stats.hits + readCache.stats.joined, misses: readCache.stats.misses })
      : null,
    bob_field_metadata: () => fieldMetadata.stats,
    directory_records: () => directory.cacheStats,
  });
  // Two heavy operations at a time (HTTP and WebSocket together) kept /healthz p99 under load at
  // half on PostgreSQL; with PGlite's statements on this thread (PGLITE_THREAD=off) the same gate
  // made it 6x worse (BENCHMARKS.md "Abuse").
  const heavyOperations = db.kind === "postgres" || db.pgliteThread ? new HeavyOperationGate() : null;
  // Heavy queries go to a thread of their own (README, "Limits"); on PGlite it reaches the
  // embedded database's thread through a port of its own (none when PGlite runs on this thread).
  const pglite = db.pgliteThread;
  const queryThread =
    role === "full" && config.queryThread && (db.kind === "postgres" || pglite)
      ? QueryThread.start(
          options.queryThreadEntry ?? new URL("./threads/query-thread-main.js", import.meta.url),
          { config, secrets },
          logger,
          pglite ? () => pglite.connectPort() : null,
        )
      : null;
  const graphql = await createGraphQLHttpEndpoint({
    schema,
    tokens,
    services,
    logger,
    plugins: [],
    readCache,
    production: config.production,
    heavyOperations,
    offload: queryThread ? heavyQueryOffload({ schema, thread: queryThread, logger }) : null,
  });
  if (queryThread) metrics.sources.queryThread = () => ({ up: queryThread.up, ...queryThread.stats });
  app.use("/graphql", ...graphql.handler);
  app.use(consoleRoutes());
  ws = createGraphQLWsEndpoint({
    httpServer,
    schema,
    tokens,
    services,
    logger,
    production: config.production,
    heavyOperations,
    remote: queryThread ? heavyQueryRemote({ thread: queryThread, logger }) : null,
  });

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
      await queryThread?.stop();
      await graphql.apollo.stop();
      await jobs.stop();
      await progress.close();
      await listener?.close();
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

  return {
    url,
    port,
    db,
    services,
    jobs,
    lock,
    tokens,
    secrets,
    logger,
    readCache,
    retention,
    keyRotation,
    notifications,
    queryThread,
    stop,
  };
}
