/**
 * The body of the thread that owns the embedded PGlite. It runs as the source of a worker
 * (`new Worker(source, { eval: true })`, see pglite-thread.ts), so it must be self-contained:
 * no imports, only `require`, the same under tsc's dist/ and under vitest's transform.
 *
 * Every client (the gateway's main thread, later the query thread through a MessagePort it is
 * handed) sends `{ id, op, ... }` and gets `{ id, result }` or `{ id, error }`. PGlite itself
 * serialises statements and transactions of all clients (one connection): a statement outside a
 * transaction waits for an open one to end, as it did in process. A client whose port closes
 * has its open transactions rolled back and its listeners removed.
 */
export function pgliteThreadBody(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require("node:worker_threads") as typeof import("node:worker_threads");
  type Pg = import("@electric-sql/pglite").PGlite;
  type Tx = import("@electric-sql/pglite").Transaction;
  type Port = import("node:worker_threads").MessagePort;
  interface Data {
    entry: string;
    dataDir: string | null;
    template: Uint8Array | null;
    startParams: string[];
  }
  interface Request {
    id: number;
    op: "query" | "exec" | "begin" | "end" | "listen" | "unlisten" | "connect" | "close";
    tx?: number;
    sql?: string;
    params?: unknown[];
    options?: Record<string, unknown>;
    commit?: boolean;
    channel?: string;
    port?: Port;
  }
  const data = workerData as Data;
  const { PGlite } = require(data.entry) as typeof import("@electric-sql/pglite");
  const ROLLBACK = Symbol("rollback");

  const template = data.template ? new Blob([data.template as Uint8Array<ArrayBuffer>]) : null;
  data.template = null; // the Blob holds its own copy: this one (5 MB) need not stay for the thread's life
  // PGlite would read pglite.wasm (10 MB) and compile it itself; V8 keeps its own copy of a
  // compiled module's bytes, and the read stays until a collection an idle thread may never run
  // (+11 MB idle RSS). Compiled here, the read is released the moment it is compiled.
  type WasmModule = NonNullable<import("@electric-sql/pglite").PGliteOptions["pgliteWasmModule"]>;
  const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } })
    .WebAssembly;
  const compilePostgres = async (): Promise<WasmModule> => {
    const { readFile } = require("node:fs/promises") as typeof import("node:fs/promises");
    const { dirname, join } = require("node:path") as typeof import("node:path");
    const bytes = await readFile(join(dirname(data.entry), "pglite.wasm"));
    const compiled = await wasm.compile(bytes);
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) bytes.buffer.transfer(0);
    return compiled;
  };
  const opening: Promise<Pg> = compilePostgres().then((pgliteWasmModule) =>
    PGlite.create({
      dataDir: data.dataDir ?? "memory://",
      startParams: data.startParams,
      pgliteWasmModule,
      ...(template ? { loadDataDir: template } : {}),
    }),
  );
  opening.catch(() => undefined);

  // Only primitive fields cross: a PGlite error also carries its query options (functions).
  const plain = (error: unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = { message: String(error) };
    if (error && typeof error === "object") {
      for (const [key, value] of Object.entries(error)) {
        if (value === null || ["string", "number", "boolean"].includes(typeof value)) out[key] = value;
      }
      const e = error as Error;
      out.message = e.message;
      out.name = e.name;
      out.stack = e.stack;
    }
    return out;
  };

  const serve = (port: Port): void => {
    const open = new Map<number, { tx: Tx; end: (commit: boolean) => void; done: Promise<void> }>();
    const listening = new Map<string, () => Promise<void>>();
    let nextTx = 1;
    const on = (pg: Pg, tx: number | undefined): Pg | Tx => {
      if (tx === undefined) return pg;
      const found = open.get(tx);
      if (!found) throw new Error(`transaction ${tx} is not open`);
      return found.tx;
    };
    const begin = async (pg: Pg): Promise<number> => {
      const id = nextTx++;
      let end!: (commit: boolean) => void;
      const ended = new Promise<void>((resolve, reject) => {
        end = (commit) => (commit ? resolve() : reject(ROLLBACK));
      });
      let begun!: () => void;
      const started = new Promise<void>((resolve) => (begun = resolve));
      const done = pg.transaction(async (tx) => {
        open.set(id, { tx, end, done });
        begun();
        await ended;
      });
      done.catch(() => undefined);
      await Promise.race([started, done]);
      return id;
    };
    const finish = async (tx: number, commit: boolean): Promise<void> => {
      const found = open.get(tx);
      if (!found) throw new Error(`transaction ${tx} is not open`);
      open.delete(tx);
      found.end(commit);
      await found.done.catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
    };
    const handle = async (m: Request): Promise<unknown> => {
      const pg = await opening;
      switch (m.op) {
        case "query":
          return await on(pg, m.tx).query(m.sql as string, m.params, m.options);
        case "exec":
          return await on(pg, m.tx).exec(m.sql as string, m.options);
        case "begin":
          return await begin(pg);
        case "end":
          return await finish(m.tx as number, m.commit === true);
        case "listen": {
          const channel = m.channel as string;
          if (!listening.has(channel)) {
            listening.set(channel, await pg.listen(channel, (payload) => port.postMessage({ channel, payload })));
          }
          return null;
        }
        case "unlisten": {
          const stop = listening.get(m.channel as string);
          listening.delete(m.channel as string);
          await stop?.();
          return null;
        }
        case "connect":
          serve(m.port as Port);
          return null;
        case "close":
          await pg.close();
          return null;
      }
    };
    port.on("message", (m: Request) => {
      handle(m).then(
        (result) => port.postMessage({ id: m.id, result }),
        (error: unknown) => port.postMessage({ id: m.id, error: plain(error) }),
      );
    });
    // A client that went away (its thread died) must not hold the one connection.
    port.on("close", () => {
      for (const tx of [...open.keys()]) void finish(tx, false).catch(() => undefined);
      for (const stop of listening.values()) void stop().catch(() => undefined);
      listening.clear();
    });
  };

  opening.then(
    () => parentPort?.postMessage({ ready: true }),
    (error: unknown) => parentPort?.postMessage({ failed: plain(error) }),
  );
  serve(parentPort as Port);
}
