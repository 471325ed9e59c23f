/** Shared helpers for the simulator's own tests: real HTTP against a started simulator. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { startBobSimulator, type BobSimulator, type SimulatorOptions } from "../../simulator/index.js";

export const TODAY = "2026-01-15";

/** Starts a simulator that is closed after the current test. */
export function useSimulators(): (opts?: SimulatorOptions) => Promise<BobSimulator> {
  const started: BobSimulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });
  return async (opts = {}) => {
    const sim = await startBobSimulator({ today: TODAY, ...opts });
    started.push(sim);
    return sim;
  };
}

export function tokenAuth(sim: BobSimulator): string {
  return sim.credentials.accessToken;
}

export function basicAuth(id: string, token: string): string {
  return `Basic ${Buffer.from(`${id}:${token}`).toString("base64")}`;
}

export async function post(
  sim: BobSimulator,
  path: string,
  body: unknown,
  auth: string = tokenAuth(sim),
): Promise<Response> {
  return fetch(`${sim.baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
}

export async function get(sim: BobSimulator, path: string, auth: string = tokenAuth(sim)): Promise<Response> {
  return fetch(`${sim.baseUrl}${path}`, { headers: { authorization: auth, accept: "application/json" } });
}

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function search(sim: BobSimulator, body: unknown, auth?: string): Promise<Json[]> {
  const res = await post(sim, "/people/search", body, auth);
  if (res.status !== 200) throw new Error(`search answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { employees: Json[] }).employees;
}

export async function control(
  sim: BobSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${sim.controlUrl}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

export interface Received {
  body: string;
  headers: IncomingMessage["headers"];
}

/** A webhook receiver whose answer per request is chosen by the test. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Status for the next requests in order; afterwards 200. */
  statuses: number[];
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const statuses: number[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
      res.statusCode = statuses.shift() ?? 200;
      res.end("ok");
      for (const w of waiters.filter((x) => received.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    statuses,
    waitFor: (n) => (received.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
