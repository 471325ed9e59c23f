import { randomBytes } from "node:crypto";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { CallerTokens } from "../../src/auth/caller-tokens.js";
import { startBobSimulator, type BobSimulator, type SimulatorOptions } from "../../simulator/index.js";
import { within } from "./deferred.js";
import { freePort, spawnGateway, type GatewayProcess } from "./gateway-process.js";
import { TODAY } from "./sync-harness.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export interface Replica {
  readonly index: number;
  readonly port: number;
  readonly url: string;
  process: GatewayProcess | null;
}

/**
 * N real gateway processes (built code, separate OS processes) on one PostgreSQL database, plus
 * the Bob simulator. Any replica can be killed (SIGKILL) and started again on the same port.
 */
export interface ReplicaCluster {
  readonly sim: BobSimulator;
  readonly db: TestDatabase;
  readonly replicas: Replica[];
  readonly companyId: string;
  token(role?: "ADMIN" | "SUPPORT"): Promise<string>;
  gql<T = Record<string, unknown>>(replica: number, query: string, variables?: Record<string, unknown>): Promise<T>;
  ws(replica: number): Promise<Client>;
  kill(replica: number): Promise<void>;
  start(replica: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReplicaCluster(options: {
  replicas: number;
  employees: number;
  seed?: number;
  sim?: SimulatorOptions;
  companyId?: string;
  startAll?: boolean;
}): Promise<ReplicaCluster> {
  const sim = await startBobSimulator({
    port: 0,
    seed: options.seed ?? 11,
    employees: options.employees,
    today: TODAY,
    peopleSearchPerMinute: 1000,
    ...options.sim,
  });
  const db = await createTestDatabase();
  if (db.target.kind !== "postgres") throw new Error("replicas share one PostgreSQL database");
  const secrets = {
    JWT_SECRET: randomBytes(32).toString("base64url"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  };
  const env = {
    DATABASE_URL: db.target.url,
    BOB_API_URL: sim.baseUrl,
    PUBLIC_URL: "http://gateway.test",
    LOG_LEVEL: "warn",
    ...secrets,
  };
  const tokens = new CallerTokens(secrets.JWT_SECRET);
  const companyId = options.companyId ?? "replica-co";
  const replicas: Replica[] = [];
  for (let i = 0; i < options.replicas; i++) {
    const port = await freePort();
    replicas.push({ index: i, port, url: `http://127.0.0.1:${port}`, process: null });
  }
  const sockets: Client[] = [];
  const cluster: ReplicaCluster = {
    sim,
    db,
    replicas,
    companyId,
    token: (role = "ADMIN") => tokens.mint({ subject: "replica-test", companyId, role }),
    async gql<T>(replica: number, query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const token = await cluster.token(query.includes("enableIntegration") ? "SUPPORT" : "ADMIN");
      const res = await fetch(`${replicas[replica]?.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: unknown };
      if (body.errors) throw new Error(`replica ${replica}: ${JSON.stringify(body.errors)}`);
      return body.data as T;
    },
    async ws(replica) {
      const client = createClient({
        url: `ws://127.0.0.1:${replicas[replica]?.port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${await cluster.token()}` },
        retryAttempts: 0,
      });
      sockets.push(client);
      return client;
    },
    async kill(replica) {
      const r = replicas[replica] as Replica;
      r.process?.child.kill("SIGKILL");
      await r.process?.exited;
      r.process = null;
    },
    async start(replica) {
      const r = replicas[replica] as Replica;
      r.process = await spawnGateway({ ...env, PORT: String(r.port) });
    },
    async close() {
      await Promise.all(sockets.map((s) => s.dispose()));
      for (const r of replicas) {
        if (r.process && r.process.child.exitCode === null) r.process.child.kill("SIGKILL");
        await r.process?.exited;
      }
      await sim.close();
      await db.restoreConnections().catch(() => undefined);
      await db.drop();
    },
  };
  // Migrations run once, on the first replica; the others find the schema ready.
  await cluster.start(0);
  if (options.startAll !== false) for (let i = 1; i < options.replicas; i++) await cluster.start(i);
  await cluster.gql(0, "mutation { enableIntegration { status } }");
  await cluster.gql(0, "mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }", {
    i: { accessToken: sim.credentials.serviceUser.token, serviceUserId: sim.credentials.serviceUser.id },
  });
  return cluster;
}

export interface RunState {
  id: string;
  status: string;
  phase: string;
  counts: { fetched: number; created: number; updated: number; deleted: number; unchanged: number; skipped: number };
  error: string | null;
}

/** Polls a run through any live replica until `until` holds (bounded). */
export async function waitForRunState(
  cluster: ReplicaCluster,
  replica: number,
  runId: string,
  until: (run: RunState) => boolean,
  timeoutMs = 120_000,
): Promise<RunState> {
  const poll = async (): Promise<RunState> => {
    for (;;) {
      const data = await cluster.gql<{ syncRun: RunState }>(
        replica,
        "query($id: ID!) { syncRun(id: $id) { id status phase error counts { fetched created updated deleted unchanged skipped } } }",
        { id: runId },
      );
      if (until(data.syncRun)) return data.syncRun;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return within(poll(), timeoutMs, `run ${runId}`);
}

/** Runs SQL on the cluster's shared database directly (to shape the database itself, e.g. make it slow). */
export async function sqlOnClusterDatabase(cluster: ReplicaCluster, text: string): Promise<void> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: (cluster.db.target as { url: string }).url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The directory as rows, to compare with Bob exactly. */
export async function directoryRows(
  cluster: ReplicaCluster,
): Promise<{ bobId: string; lastName: string; email: string | null; count: number }[]> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: (cluster.db.target as { url: string }).url });
  await client.connect();
  try {
    const res = await client.query<{ bob_id: string; last_name: string; email: string | null; n: string }>(
      "select bob_id, last_name, email, count(*) over (partition by bob_id) as n from employee order by bob_id",
    );
    return res.rows.map((r) => ({ bobId: r.bob_id, lastName: r.last_name, email: r.email, count: Number(r.n) }));
  } finally {
    await client.end();
  }
}
