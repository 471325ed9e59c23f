import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { deferred, within } from "./deferred.js";

export const MAIN_JS = fileURLToPath(new URL("../../dist/src/main.js", import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the built gateway (dist/) as a real OS process, the way `npm start` does. */
export async function spawnGateway(
  env: Record<string, string>,
  options: { waitReady?: boolean } = {},
): Promise<GatewayProcess> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first (npm test does).`);
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exit = deferred<{ code: number | null; signal: NodeJS.Signals | null }>();
  child.on("exit", (code, signal) => exit.resolve({ code, signal }));
  const url = `http://127.0.0.1:${port}`;
  const proc = { child, url, output: () => out, exited: exit.promise };
  if (options.waitReady !== false) {
    const ready = (async () => {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`gateway exited early:\n${out}`);
        const ok = await fetch(`${url}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await within(ready, 30_000, "gateway readiness");
  }
  return proc;
}
