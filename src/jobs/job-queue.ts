import { PgBoss, fromKysely, fromPglite } from "pg-boss";
import type { Logger } from "../logger.js";
import type { Database } from "../persistence/database.js";

/** Durable job queues (pg-boss) in the gateway's own database, on PostgreSQL and on PGlite alike. */
export const QUEUES = {
  fullSync: "full-sync",
  reconcile: "reconcile",
} as const;

export interface FullSyncJob {
  readonly runId: string;
  readonly companyId: string;
}

export type TransactionLike = Parameters<typeof fromKysely>[0];

export class JobQueue {
  private constructor(
    readonly boss: PgBoss,
    private readonly logger: Logger,
  ) {}

  static async start(db: Database, logger: Logger): Promise<JobQueue> {
    const boss = db.pglite
      ? new PgBoss({ db: fromPglite(db.pglite), backend: "pglite", schema: "pgboss" })
      : new PgBoss({ connectionString: db.url as string, schema: "pgboss", max: 4, application_name: "bob-gateway-jobs" });
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
    await boss.createQueue(QUEUES.reconcile, { retryLimit: 1 });
    return new JobQueue(boss, logger);
  }

  /** Enqueues inside the caller's transaction: the job exists exactly when the transaction commits. */
  async sendFullSync(job: FullSyncJob, trx: TransactionLike): Promise<void> {
    await this.boss.send(QUEUES.fullSync, { ...job }, { db: fromKysely(trx) });
  }

  async workFullSync(handler: (job: FullSyncJob) => Promise<void>): Promise<void> {
    await this.boss.work<FullSyncJob>(QUEUES.fullSync, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (!job) return;
      try {
        await handler(job.data);
      } catch (error) {
        this.logger.error({ err: error, runId: job.data.runId }, "full sync job failed; pg-boss will retry it");
        throw error;
      }
    });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5_000 });
  }
}
