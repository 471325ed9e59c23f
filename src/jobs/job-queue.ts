import { PgBoss, fromKysely, fromPglite, type JobWithMetadata } from "pg-boss";
import type { Logger } from "../logger.js";
import type { Database } from "../persistence/database.js";

/** Durable job queues (pg-boss) in the gateway's own database, on PostgreSQL and on PGlite alike. */
export const QUEUES = {
  fullSync: "full-sync",
  webhookApply: "webhook-apply",
  reconcile: "reconcile",
  retention: "retention",
  notification: "notification",
  notificationCheck: "notification-check",
} as const;

/** One signed POST to a company's notification URL (domain/notifications). */
export interface NotificationJob {
  readonly companyId: string;
  readonly eventId: string;
  readonly type: string;
  /** The JSON body, fixed when queued: every attempt sends and signs the same bytes. */
  readonly body: string;
}

/** Hourly: companies without a successful sync for 24 h get NO_SUCCESSFUL_SYNC (once a day). */
export const NOTIFICATION_CHECK_CRON = "41 * * * *";

export interface WebhookApplyJob {
  readonly companyId: string;
}

export const RECONCILE_CRON = "*/5 * * * *";

/** Daily, at a quiet hour (UTC): deletes what is older than RETENTION_DAYS. */
export const RETENTION_CRON = "17 3 * * *";

/**
 * A company whose last run fetched at most this many people is small: its full syncs are taken
 * before larger ones (pg-boss priority) and also by a worker kept for them (workFullSync).
 */
export const SMALL_COMPANY_EMPLOYEES = 1_000;
const SMALL_PRIORITY = 1;

/** Attempts for a webhook application before its deliveries are marked FAILED. */
export const WEBHOOK_RETRY_LIMIT = 5;

export interface FullSyncJob {
  readonly runId: string;
  readonly companyId: string;
}

export type TransactionLike = Parameters<typeof fromKysely>[0];

/** Webhook drain workers per process; each drains the companies of one fetched batch concurrently. */
export const WEBHOOK_DRAIN_WORKERS = 4;

/**
 * How often an idle worker looks for jobs. On PostgreSQL, every 0.5 s: another replica's jobs are
 * found only by looking. On PGlite every job is sent by this process, which wakes its workers at
 * once (`wake`), so looking only finds jobs that came due later (retries, the delayed retention
 * run, schedules): every 5 s. An idle embedded gateway spent 45-57 ms of CPU a second looking
 * every 0.5 s, 27-32 after (BENCHMARKS.md, "Embedded footprint").
 */
const POLL_SECONDS = { postgres: 0.5, pglite: 5 } as const;
/** The scheduled queues (a job every few minutes at most) look at least this seldom. */
const SCHEDULED_POLL_SECONDS = 2;

export interface JobQueueOptions {
  /** Attempts after the first before a webhook application gives up (default 5). */
  readonly webhookRetryLimit?: number;
  /** First retry delay; it doubles each time (default 2 s). */
  readonly webhookRetryDelaySeconds?: number;
  /** How long after start the one-off retention run begins (default 60 s: start-up work first). */
  readonly retentionStartDelaySeconds?: number;
  /** Attempts after the first before a notification is given up (default 8: about 2 h of backoff). */
  readonly notificationRetryLimit?: number;
  /** First notification retry delay; it about doubles each time, up to an hour (default 30 s; tests: 1). */
  readonly notificationRetryDelaySeconds?: number;
}

export class JobQueue {
  private constructor(
    readonly boss: PgBoss,
    private readonly logger: Logger,
    private readonly pollSeconds: number = POLL_SECONDS.postgres,
  ) {}

  private get scheduledPollSeconds(): number {
    return Math.max(SCHEDULED_POLL_SECONDS, this.pollSeconds);
  }

  static async start(db: Database, logger: Logger, options: JobQueueOptions = {}): Promise<JobQueue> {
    // Checking for dead workers (missed heartbeats) every few seconds, not pg-boss's default
    // minute, lets a surviving replica take over a killed replica's sync quickly.
    const monitoring = { monitorIntervalSeconds: 5 };
    const boss = db.pglite
      ? new PgBoss({ db: fromPglite(db.pglite), backend: "pglite", schema: "pgboss", ...monitoring })
      : new PgBoss({
          connectionString: db.url as string,
          schema: "pgboss",
          max: 4,
          application_name: "bob-gateway-jobs",
          ...monitoring,
        });
    boss.on("error", (error) => logger.error({ err: error }, "job queue error"));
    await boss.start();
    await boss.createQueue(QUEUES.fullSync, {
      // A worker that dies mid-run stops heartbeating; the job comes back to another worker.
      heartbeatSeconds: 10,
      expireInSeconds: 60 * 60,
      retryLimit: 3,
      retryDelay: 2,
      retryBackoff: true,
    });
    const webhookApply = {
      retryLimit: options.webhookRetryLimit ?? WEBHOOK_RETRY_LIMIT,
      retryDelay: options.webhookRetryDelaySeconds ?? 2,
      retryBackoff: true,
      retryDelayMax: 300,
      expireInSeconds: 15 * 60,
      // Deliveries are picked up the moment they commit: the job of a worker killed while applying
      // them comes back through missed heartbeats (pg-boss's monitor: about a minute as measured
      // here) instead of after expireInSeconds; a restarted process resumes them at once
      // (resumeWebhookApply).
      heartbeatSeconds: 10,
    };
    await boss.createQueue(QUEUES.webhookApply, webhookApply);
    // createQueue leaves an existing queue as it was: databases created before the heartbeat get it too.
    await boss.updateQueue(QUEUES.webhookApply, webhookApply);
    await boss.createQueue(QUEUES.reconcile, { retryLimit: 1, expireInSeconds: 10 * 60 });
    // pg-boss's scheduler (one per database, whatever the number of replicas) looks for companies
    // whose reconciliation is due every five minutes; the hours themselves are company settings.
    await boss.schedule(QUEUES.reconcile, RECONCILE_CRON, {}, { tz: "UTC" });
    // Retention: daily on the schedule, and once shortly after every start (a gateway that was
    // down at 03:17 still purges). Several replicas starting together send one job between them.
    // "singleton": one pass at a time across replicas (two would only fight over the same rows).
    await boss.createQueue(QUEUES.retention, {
      policy: "singleton",
      retryLimit: 2,
      retryDelay: 60,
      expireInSeconds: 60 * 60,
    });
    await boss.schedule(QUEUES.retention, RETENTION_CRON, {}, { tz: "UTC" });
    await boss.send(
      QUEUES.retention,
      {},
      {
        startAfter: options.retentionStartDelaySeconds ?? 60,
        singletonKey: "retention-after-start",
        singletonSeconds: 300,
      },
    );
    const notification = {
      retryLimit: options.notificationRetryLimit ?? 8,
      retryDelay: options.notificationRetryDelaySeconds ?? 30,
      retryBackoff: true,
      retryDelayMax: 3600,
      expireInSeconds: 60,
    };
    await boss.createQueue(QUEUES.notification, notification);
    await boss.updateQueue(QUEUES.notification, notification);
    await boss.createQueue(QUEUES.notificationCheck, { policy: "singleton", retryLimit: 1, expireInSeconds: 10 * 60 });
    await boss.schedule(QUEUES.notificationCheck, NOTIFICATION_CHECK_CRON, {}, { tz: "UTC" });
    return new JobQueue(boss, logger, POLL_SECONDS[db.kind]);
  }

  /**
   * A queue that only sends (the query thread, threads/query-thread.ts): no maintenance, no
   * schedules, no migration, one connection (on PGlite, its port to the parent's database). The
   * process that started the thread did all of that.
   */
  static async sendOnly(db: Database, logger: Logger): Promise<JobQueue> {
    const sendOnly = { schema: "pgboss", supervise: false, schedule: false, migrate: false };
    const boss = db.pglite
      ? new PgBoss({ db: fromPglite(db.pglite), backend: "pglite", ...sendOnly })
      : new PgBoss({ connectionString: db.url as string, max: 1, application_name: "bob-gateway-jobs", ...sendOnly });
    boss.on("error", (error) => logger.error({ err: error }, "job queue error"));
    await boss.start();
    return new JobQueue(boss, logger);
  }

  /**
   * Enqueues inside the caller's transaction: the job exists exactly when the transaction commits.
   * `lastFetched`: how many people the company's last finished run fetched (null: none yet). A
   * small company's run is taken first and has a lane of its own (workFullSync).
   */
  async sendFullSync(job: FullSyncJob, trx: TransactionLike, lastFetched: number | null = null): Promise<void> {
    const small = lastFetched !== null && lastFetched <= SMALL_COMPANY_EMPLOYEES;
    await this.boss.send(QUEUES.fullSync, { ...job }, { db: fromKysely(trx), priority: small ? SMALL_PRIORITY : 0 });
  }

  /**
   * After a commit that enqueued work: this process's workers of the queue look at once instead
   * of at their next poll (other replicas still find the job by polling).
   */
  wake(queue: (typeof QUEUES)[keyof typeof QUEUES]): void {
    for (const worker of this.boss.getWipData()) if (worker.name === queue) this.boss.notifyWorker(worker.id);
  }

  /**
   * `concurrency` full syncs at once in this process (SYNC_CONCURRENCY), one job per worker: a
   * company whose Bob hangs holds one worker, not every company's sync on this replica. Two runs
   * of one company never overlap (one active run per company, and the company lock).
   */
  async workFullSync(handler: (job: FullSyncJob) => Promise<void>, concurrency = 1): Promise<void> {
    const run = async ([job]: { data: FullSyncJob }[]) => {
      if (!job) return;
      try {
        await handler(job.data);
      } catch (error) {
        this.logger.error({ err: error, runId: job.data.runId }, "full sync job failed; pg-boss will retry it");
        throw error;
      } finally {
        // A worker that has just finished fetches again at once: otherwise each one idles out its
        // poll interval after every job, and a backlog of small runs (a fleet's first syncs) goes
        // at two jobs a second per worker whatever their size.
        this.wake(QUEUES.fullSync);
      }
    };
    await this.boss.work<FullSyncJob>(
      QUEUES.fullSync,
      { batchSize: 1, pollingIntervalSeconds: this.pollSeconds, localConcurrency: concurrency },
      run,
    );
    // The small-company lane: one more worker that takes only small companies' runs, so a small
    // company's "Synchronize now" never waits for the large syncs holding every other worker.
    await this.boss.work<FullSyncJob>(
      QUEUES.fullSync,
      { batchSize: 1, pollingIntervalSeconds: this.pollSeconds, minPriority: SMALL_PRIORITY },
      run,
    );
  }

  /**
   * pg-boss's own statement inserting these webhook-apply jobs, built by `boss.insert` but not
   * run: the webhook intake nests it in the statement that stores the deliveries, so an ack waits
   * for one round trip instead of a four-statement transaction. `insert(payloadSql)` is pg-boss's single
   * INSERT with its one JSON-text parameter ($1) replaced by `payloadSql`, an expression the
   * caller writes over `jobsText` (see delivery-store.ts). Throws if pg-boss ever builds it
   * otherwise (the tests of the intake would say so at once).
   */
  async webhookAppliesStatement(
    jobs: readonly WebhookApplyJob[],
  ): Promise<{ readonly insert: (payloadSql: string) => string; readonly jobsText: string }> {
    const captured: { text: string; values: readonly unknown[] }[] = [];
    const capture = {
      executeSql: async (text: string, values?: unknown[]) => {
        captured.push({ text, values: values ?? [] });
        return { rows: [] };
      },
    };
    await this.boss.insert(
      QUEUES.webhookApply,
      jobs.map((job) => ({ data: { ...job } })),
      { db: capture },
    );
    const [only] = captured;
    const placeholders = only?.text.match(/\$\d+/g) ?? [];
    if (
      captured.length !== 1 ||
      !only ||
      !/^\s*insert\s/i.test(only.text) ||
      placeholders.length !== 1 ||
      placeholders[0] !== "$1" ||
      only.values.length !== 1 ||
      typeof only.values[0] !== "string"
    )
      throw new Error(
        "pg-boss no longer inserts jobs with one statement of one parameter; see webhookAppliesStatement",
      );
    const text = only.text;
    return { insert: (payloadSql) => text.replace("$1", () => payloadSql), jobsText: only.values[0] };
  }

  /**
   * At start-up, one more job for each company whose deliveries are still ACCEPTED: a process
   * killed while applying them left its job active until missed heartbeats return it; this one
   * applies them now. A job too many is harmless (a drain that finds nothing does nothing).
   */
  async resumeWebhookApply(companyIds: readonly string[]): Promise<void> {
    for (const companyId of companyIds) await this.boss.send(QUEUES.webhookApply, { companyId });
    if (companyIds.length > 0) this.wake(QUEUES.webhookApply);
  }

  /**
   * Jobs are fetched in batches and grouped by company, so a burst of deliveries is drained by
   * a few applications instead of one per delivery. `isLastAttempt` lets the handler give up
   * cleanly (mark deliveries FAILED) before pg-boss stops retrying.
   */
  async workWebhookApply(handler: (companyId: string, isLastAttempt: boolean) => Promise<void>): Promise<void> {
    // WEBHOOK_DRAIN_WORKERS workers, each draining its batch's companies at once: a company whose
    // Bob hangs holds its own drain, and at most one worker, while the others fetch new batches.
    await this.boss.work<WebhookApplyJob>(
      QUEUES.webhookApply,
      {
        batchSize: 200,
        pollingIntervalSeconds: this.pollSeconds,
        includeMetadata: true,
        localConcurrency: WEBHOOK_DRAIN_WORKERS,
      },
      async (jobs) => {
        const byCompany = new Map<string, boolean>();
        for (const job of jobs as unknown as JobWithMetadata<WebhookApplyJob>[]) {
          const last = job.retryCount >= job.retryLimit;
          byCompany.set(job.data.companyId, (byCompany.get(job.data.companyId) ?? false) || last);
        }
        // Every company's drain runs; the batch fails (pg-boss retries its jobs) if any failed.
        const outcomes = await Promise.allSettled([...byCompany].map(([companyId, last]) => handler(companyId, last)));
        const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
        if (failed) throw failed.reason;
      },
    );
  }

  async workReconcile(handler: () => Promise<void>): Promise<void> {
    await this.boss.work(
      QUEUES.reconcile,
      { batchSize: 1, pollingIntervalSeconds: this.scheduledPollSeconds },
      async () => {
        await handler();
      },
    );
  }

  async workRetention(handler: () => Promise<void>): Promise<void> {
    await this.boss.work(
      QUEUES.retention,
      { batchSize: 1, pollingIntervalSeconds: this.scheduledPollSeconds },
      async () => {
        try {
          await handler();
        } catch (error) {
          this.logger.error({ err: error }, "retention job failed; pg-boss will retry it");
          throw error;
        }
      },
    );
  }

  /** What the daily schedule does, on demand (operators, tests). */
  async triggerRetention(): Promise<void> {
    await this.boss.send(QUEUES.retention, {});
    this.wake(QUEUES.retention);
  }

  async sendNotification(job: NotificationJob, trx: TransactionLike): Promise<void> {
    await this.boss.send(QUEUES.notification, { ...job }, { db: fromKysely(trx) });
  }

  /** A failed POST throws: pg-boss retries it with backoff; `isLastAttempt` lets the handler say it gave up. */
  async workNotifications(handler: (job: NotificationJob, isLastAttempt: boolean) => Promise<void>): Promise<void> {
    await this.boss.work<NotificationJob>(
      QUEUES.notification,
      { batchSize: 1, pollingIntervalSeconds: this.pollSeconds, includeMetadata: true },
      async ([job]) => {
        if (!job) return;
        const meta = job as unknown as JobWithMetadata<NotificationJob>;
        await handler(job.data, meta.retryCount >= meta.retryLimit);
      },
    );
  }

  async workNotificationCheck(handler: () => Promise<void>): Promise<void> {
    await this.boss.work(
      QUEUES.notificationCheck,
      { batchSize: 1, pollingIntervalSeconds: this.scheduledPollSeconds },
      async () => {
        await handler();
      },
    );
  }

  /** What the schedule does every five minutes, on demand (operators, tests). */
  async triggerReconcile(): Promise<void> {
    await this.boss.send(QUEUES.reconcile, {});
    this.wake(QUEUES.reconcile);
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5_000 });
  }
}
