import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type MessagePort, Worker } from "node:worker_threads";
import type { GatewayConfig } from "../config/config.js";
import type { GatewaySecrets } from "../config/secrets.js";
import type { Logger } from "../logger.js";

/** What the thread's entry (query-thread-main.ts) receives. */
export interface QueryThreadData {
  readonly config: GatewayConfig;
  readonly secrets: GatewaySecrets;
  /** On PGlite: the thread's own port to the parent's embedded database. */
  readonly pglitePort?: MessagePort;
}

/** What the thread says: its loopback URL once it serves. */
export interface QueryThreadMessage {
  readonly ready: string;
}

const RESTART_AFTER_MS = 1_000;

/**
 * The query thread, seen from the process that started it: a read-only gateway on a loopback
 * port in a worker thread (its own event loop, heap and database connections), started when the
 * first heavy query arrives (a second V8 isolate costs ~70 MB of RSS: a gateway that never gets
 * one does not pay it) and started again after it dies. `target()` is null while it starts or is
 * down: heavy queries then run here, as if there were no thread.
 */
export class QueryThread {
  private worker: Worker | null = null;
  private current: string | null = null;
  private started = false;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Callers of ready() waiting for the thread to serve. */
  private waiting: ((url: string) => void)[] = [];
  /** Heavy queries the thread answered, and those this process answered because the thread was down or unreachable. */
  readonly stats = { offloaded: 0, fallbacks: 0 };

  private constructor(
    private readonly entry: URL,
    private readonly data: QueryThreadData,
    private readonly logger: Logger,
    private readonly pglitePort: (() => Promise<MessagePort>) | null,
  ) {}

  /**
   * The thread, to be started by the first heavy query (`target()`); null when its entry is not
   * built (running from the TypeScript sources).
   * `pglitePort`: on PGlite, a new port to the embedded database for each start of the thread.
   */
  static start(
    entry: URL,
    data: QueryThreadData,
    logger: Logger,
    pglitePort: (() => Promise<MessagePort>) | null = null,
  ): QueryThread | null {
    if (!existsSync(fileURLToPath(entry))) {
      logger.info({ entry: entry.pathname }, "query thread not started: its entry is not built");
      return null;
    }
    return new QueryThread(entry, data, logger, pglitePort);
  }

  /** Where the thread serves; null before the first heavy query, while it starts, or while it is down. */
  get url(): string | null {
    return this.current;
  }

  /** Where a heavy query goes now; null while the thread starts (this call starts it the first time) or is down. */
  target(): string | null {
    if (!this.started && !this.stopping) {
      this.started = true;
      this.spawn();
    }
    return this.current;
  }

  /** For /metrics: serving, or not needed yet; false while it restarts after dying. */
  get up(): boolean {
    return this.current !== null || !this.started;
  }

  /** Resolves once the thread serves, starting it if no heavy query has yet (tests; the gateway never waits for it). */
  ready(timeoutMs = 30_000): Promise<string> {
    this.target();
    if (this.current) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the query thread did not start")), timeoutMs);
      this.waiting.push((url) => {
        clearTimeout(timer);
        resolve(url);
      });
    });
  }

  /** Ends the thread as a test or an operator would find it ended: at once (it is restarted). */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.current = null;
    if (!worker) return;
    // The thread's gateway drains its requests and closes its connections; then it exits.
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.postMessage("stop");
    const force = setTimeout(() => void worker.terminate(), 10_000);
    await exited;
    clearTimeout(force);
  }

  private spawn(): void {
    if (!this.pglitePort) return this.spawnWith(this.data, []);
    this.pglitePort().then(
      (port) => (this.stopping ? port.close() : this.spawnWith({ ...this.data, pglitePort: port }, [port])),
      (error: unknown) => this.logger.error({ err: error }, "query thread not started: the embedded database refused"),
    );
  }

  private spawnWith(data: QueryThreadData, transferList: MessagePort[]): void {
    const worker = new Worker(this.entry, { workerData: data, transferList, stdout: false, stderr: false });
    this.worker = worker;
    worker.on("message", ({ ready }: QueryThreadMessage) => {
      this.current = ready;
      this.logger.info({ url: ready }, "query thread serving heavy queries");
      const waiting = this.waiting;
      this.waiting = [];
      for (const resolve of waiting) resolve(ready);
    });
    worker.on("error", (error) => this.logger.error({ err: error }, "query thread failed"));
    worker.once("exit", (code) => {
      if (this.worker === worker) this.worker = null;
      this.current = null;
      if (this.stopping) return;
      this.logger.error({ code }, "query thread exited; heavy queries run in the main thread until it is back");
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopping) this.spawn();
      }, RESTART_AFTER_MS);
    });
  }
}
