import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { z } from "zod";
import type { ProgressBus } from "../domain/ports/progress-bus.js";
import type { SyncProgressEvent } from "../domain/sync/sync-run.js";
import type { Logger } from "../logger.js";
import type { Database } from "../persistence/database.js";
import type { PostgresListener } from "./pg-listener.js";

const CHANNEL = "sync_progress";

const countsSchema = z.object({
  fetched: z.number(),
  created: z.number(),
  updated: z.number(),
  deleted: z.number(),
  unchanged: z.number(),
  skipped: z.number(),
  driftRepaired: z.number().default(0),
});
const eventSchema = z.object({
  companyId: z.string(),
  runId: z.string(),
  status: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "PARTIAL", "FAILED", "HELD"]),
  phase: z.enum(["QUEUED", "FETCHING", "PLANNING", "APPLYING", "DONE"]),
  processed: z.number(),
  total: z.number().nullable(),
  counts: countsSchema,
});

/** What travels over NOTIFY: the event and the process that published it. */
const notificationSchema = z.object({ origin: z.string(), event: eventSchema });

/** Delivers events to this process's subscribers, keyed by company. */
class LocalFanout {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  deliver(event: SyncProgressEvent): void {
    // A failing subscriber must neither starve the others nor fail the sync that published.
    for (const listener of this.emitter.listeners(event.companyId) as ((event: SyncProgressEvent) => void)[]) {
      try {
        listener(event);
      } catch {
        // the subscriber's own stream reports its failure
      }
    }
  }

  subscribe(companyId: string, listener: (event: SyncProgressEvent) => void): () => void {
    this.emitter.on(companyId, listener);
    return () => this.emitter.off(companyId, listener);
  }
}

/** PGlite runs inside this process only: progress stays in-process. */
export class InProcessProgressBus implements ProgressBus {
  private readonly fanout = new LocalFanout();

  async publish(event: SyncProgressEvent): Promise<void> {
    this.fanout.deliver(event);
  }

  subscribe(companyId: string, listener: (event: SyncProgressEvent) => void): () => void {
    return this.fanout.subscribe(companyId, listener);
  }

  async close(): Promise<void> {}
}

/**
 * PostgreSQL LISTEN/NOTIFY: every gateway process on the database hears every event, so all
 * replicas' subscribers see one stream. This process's own subscribers get its events at once,
 * not after the NOTIFY round trip (which a busy sync would delay further); the echo of its own
 * NOTIFY is recognised by the origin id and dropped. Events of one run come from one process
 * (one run per company at a time), so each subscriber still sees them in order.
 * It hears them on the process's shared `PostgresListener`, which reconnects by itself.
 */
export class PostgresProgressBus implements ProgressBus {
  private readonly fanout = new LocalFanout();
  private readonly origin = randomUUID();
  /** The NOTIFYs not yet sent, in publishing order. */
  private notifying: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  static async start(db: Database, listener: PostgresListener, logger: Logger): Promise<PostgresProgressBus> {
    const bus = new PostgresProgressBus(db, logger);
    await listener.listen(CHANNEL, { notified: (payload) => bus.heard(payload) });
    return bus;
  }

  private heard(payload: unknown): void {
    const parsed = notificationSchema.safeParse(payload);
    if (parsed.success && parsed.data.origin !== this.origin) this.fanout.deliver(parsed.data.event);
  }

  /**
   * Resolves once this process's subscribers have the event; the NOTIFY for the other replicas
   * follows without holding up the sync that publishes. NOTIFYs are sent one after another, in
   * publishing order, so every replica sees a run's events in order.
   */
  async publish(event: SyncProgressEvent): Promise<void> {
    this.fanout.deliver(event);
    const payload = JSON.stringify({ origin: this.origin, event });
    this.notifying = this.notifying.then(() =>
      this.db.query(null, "select pg_notify($1, $2)", [CHANNEL, payload]).then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn({ err: error, runId: event.runId }, "progress event not sent to the other replicas"),
      ),
    );
  }

  subscribe(companyId: string, listener: (event: SyncProgressEvent) => void): () => void {
    return this.fanout.subscribe(companyId, listener);
  }

  /** Waits for the NOTIFYs still queued; the listener is closed by whoever started it. */
  async close(): Promise<void> {
    await this.notifying;
  }
}
