import type { Results, Transaction } from "@electric-sql/pglite";
import { createRequire } from "node:module";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import { pgliteThreadBody } from "./pglite-thread-body.js";

const PGLITE_ENTRY = createRequire(import.meta.url).resolve("@electric-sql/pglite");
// `__name`: a transform that keeps function names may wrap the body's inner functions with it.
const SOURCE = `var __name = (f) => f;\n(${pgliteThreadBody.toString()})();`;

interface Reply {
  id?: number;
  result?: unknown;
  error?: Record<string, unknown>;
  channel?: string;
  payload?: string;
  ready?: boolean;
  failed?: Record<string, unknown>;
}

/** A Worker (the owner) or a MessagePort (an attached client): what both can do. */
interface Endpoint {
  postMessage(message: unknown, transfer?: readonly MessagePort[]): void;
  on(event: "message", listener: (message: Reply) => void): unknown;
  ref(): void;
  unref(): void;
}

/** Where the embedded database is: a directory, or in memory from a template tarball. */
export interface PgliteThreadOptions {
  readonly dataDir: string | null;
  readonly template: Uint8Array | null;
  readonly startParams: readonly string[];
}

/**
 * The embedded PGlite, run in a thread of its own (pglite-thread-body.ts) and used from here
 * through the part of PGlite's interface the ORM (kysely's PGlite dialect), pg-boss and the
 * gateway use: query, exec, transaction, listen. PGlite executes its statements as WebAssembly
 * on the calling thread, tens of milliseconds for a page of the directory: in process, every
 * /healthz, webhook ack and light query waited behind them (BENCHMARKS.md, "Abuse").
 * A second client (the query thread) connects through `connectPort()` to the same database.
 */
export class PgliteClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private closing = false;
  /** Why calls fail from now on: set once the thread or port is gone, closed on purpose or not. */
  private failure: Error | null = null;
  private onLost!: (error: Error) => void;
  /** Settles only if the thread dies (or, attached, its port closes) without close(): the database is gone. */
  readonly lost: Promise<Error> = new Promise((resolve) => (this.onLost = resolve));

  private constructor(
    private readonly endpoint: Endpoint,
    private readonly worker: Worker | null,
  ) {
    endpoint.on("message", (m: Reply) => this.receive(m));
  }

  /** Starts the thread and opens the database in it. */
  static async start(options: PgliteThreadOptions): Promise<PgliteClient> {
    const worker = new Worker(SOURCE, {
      eval: true,
      workerData: {
        entry: PGLITE_ENTRY,
        dataDir: options.dataDir,
        template: options.template,
        startParams: [...options.startParams],
      },
      stdout: false,
      stderr: false,
    });
    const opened = new Promise<void>((resolve, reject) => {
      const onMessage = (m: Reply): void => {
        if (m.ready) resolve();
        else if (m.failed) reject(rebuild(m.failed));
        else return;
        worker.off("message", onMessage);
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the PGlite thread exited (${code}) while opening`)));
    });
    const client = new PgliteClient(worker, worker);
    worker.on("error", (error) => client.fail(error));
    worker.on("exit", (code) => client.fail(new Error(`the PGlite thread exited (${code})`)));
    try {
      await opened;
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    // Idle, the thread must not keep the process alive; a statement in flight holds it (call()).
    worker.unref();
    return client;
  }

  /** A client on `port`, handed over by `connectPort()` of the thread's owner. */
  static attach(port: MessagePort): PgliteClient {
    const client = new PgliteClient(port, null);
    port.unref();
    port.on("close", () => client.fail(new Error("the PGlite thread's port closed")));
    return client;
  }

  /** A port another thread attaches to (`PgliteClient.attach`) to use the same database. */
  async connectPort(): Promise<MessagePort> {
    const { port1, port2 } = new MessageChannel();
    await this.call({ op: "connect", port: port2 }, [port2]);
    return port1;
  }

  get closed(): boolean {
    return this.closing || this.failure !== null;
  }
  get ready(): boolean {
    return !this.closed;
  }
  readonly waitReady: Promise<void> = Promise.resolve();

  query<T>(sql: string, params?: unknown[], options?: Record<string, unknown>): Promise<Results<T>> {
    return this.queryIn(undefined, sql, params, options);
  }

  exec(sql: string, options?: Record<string, unknown>): Promise<Results[]> {
    return this.execIn(undefined, sql, options);
  }

  /** PGlite's exclusive transaction: committed when `fn` resolves, rolled back when it throws. */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx = (await this.call({ op: "begin" })) as number;
    let ended = false;
    const handle = {
      query: <R>(sql: string, params?: unknown[], options?: Record<string, unknown>) =>
        this.queryIn<R>(tx, sql, params, options),
      exec: (sql: string, options?: Record<string, unknown>) => this.execIn(tx, sql, options),
      rollback: async () => {
        ended = true;
        await this.call({ op: "end", tx, commit: false });
      },
      get closed() {
        return ended;
      },
    };
    let result: T;
    try {
      result = await fn(handle as unknown as Transaction);
    } catch (error) {
      if (!ended) await this.call({ op: "end", tx, commit: false }).catch(() => undefined);
      throw error;
    }
    if (!ended) await this.call({ op: "end", tx, commit: true });
    return result;
  }

  async listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.call({ op: "listen", channel });
    }
    set.add(callback);
    return () => this.unlisten(channel, callback);
  }

  async unlisten(channel: string, callback?: (payload: string) => void): Promise<void> {
    const set = this.listeners.get(channel);
    if (!set) return;
    if (callback) set.delete(callback);
    else set.clear();
    if (set.size > 0) return;
    this.listeners.delete(channel);
    if (!this.closed) await this.call({ op: "unlisten", channel });
  }

  /** Ends the thread at once, as a crash would (tests). */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Closes the database (its owner) or this client's port (an attached client). */
  async close(): Promise<void> {
    if (this.closed) return;
    // The close request goes out before `closing` turns every later call away.
    const closing = this.worker ? this.call({ op: "close" }).catch(() => undefined) : null;
    this.closing = true;
    await closing;
    if (this.worker) await this.worker.terminate();
    else (this.endpoint as MessagePort).close();
    this.fail(closedError());
  }

  private queryIn<T>(
    tx: number | undefined,
    sql: string,
    params?: unknown[],
    options?: Record<string, unknown>,
  ): Promise<Results<T>> {
    return this.call({ op: "query", tx, sql, params, options }) as Promise<Results<T>>;
  }

  private execIn(tx: number | undefined, sql: string, options?: Record<string, unknown>): Promise<Results[]> {
    return this.call({ op: "exec", tx, sql, options }) as Promise<Results[]>;
  }

  private call(message: Record<string, unknown>, transfer: MessagePort[] = []): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(closedError());
    const id = this.nextId++;
    if (this.pending.size === 0) this.endpoint.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.postMessage({ ...message, id }, transfer);
    });
  }

  private receive(m: Reply): void {
    if (m.channel !== undefined) {
      for (const callback of this.listeners.get(m.channel) ?? []) callback(m.payload ?? "");
      return;
    }
    if (m.id === undefined) return;
    const waiting = this.pending.get(m.id);
    if (!waiting) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.endpoint.unref();
    if (m.error) waiting.reject(rebuild(m.error));
    else waiting.resolve(m.result);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = this.closing ? closedError() : error;
    if (!this.closing) this.onLost(error);
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    this.endpoint.unref();
  }
}

const closedError = (): Error => new Error("the embedded database is closed");

/** The database's error as thrown in process: its message, SQLSTATE `code`, detail, constraint... */
function rebuild(fields: Record<string, unknown>): Error {
  const error = new Error(String(fields.message ?? "database error"));
  for (const [key, value] of Object.entries(fields)) {
    if (key !== "stack" && key !== "message") (error as unknown as Record<string, unknown>)[key] = value;
  }
  return error;
}
