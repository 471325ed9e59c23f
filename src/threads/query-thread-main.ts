import "reflect-metadata";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { startGateway } from "../app.js";
import type { GatewaySecrets } from "../config/secrets.js";
import { createLogger } from "../logger.js";
import type { QueryThreadData, QueryThreadMessage } from "./query-thread.js";

// The query thread's entry (query-thread.ts). On Linux a thread has its own nice value: a lower
// priority here lets the main thread (webhook acks, /healthz, light queries) take a core first
// when both want one, whatever the heavy queries cost.
try {
  setPriority(0, 10);
} catch {
  // Not permitted or not supported here: the thread still keeps the heavy work off the main loop.
}

const { config, secrets: cloned, pglitePort } = workerData as QueryThreadData;
// A Buffer crosses into a thread as a plain Uint8Array: the keys are made Buffers again.
const secrets: GatewaySecrets = {
  jwtSecret: cloned.jwtSecret,
  encryptionKey: Buffer.from(cloned.encryptionKey),
  previousEncryptionKeys: cloned.previousEncryptionKeys.map((key) => Buffer.from(key)),
};
const logger = createLogger(config.logLevel).child({ thread: "queries" });
const gateway = await startGateway(
  { ...config, port: 0, host: "127.0.0.1", queryThread: false },
  { logger, role: "queries", secrets, ...(pglitePort ? { pglitePort } : {}) },
);
const port = parentPort;
if (!port) throw new Error("query-thread-main runs only as a worker thread");
port.on("message", (message: unknown) => {
  if (message !== "stop") return;
  // Closing the port lets the thread exit: its parent waits for that exit.
  void gateway.stop().finally(() => port.close());
});
port.postMessage({ ready: gateway.url } satisfies QueryThreadMessage);
