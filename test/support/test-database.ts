import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DatabaseTarget } from "../../src/config/config.js";

/** Which database the suite runs on: TEST_DB=pglite (default) or TEST_DB=postgres. */
export const TEST_DB = (process.env.TEST_DB ?? "pglite") as "pglite" | "postgres";
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  readonly target: DatabaseTarget;
  /** PostgreSQL only: refuse new connections and cut the open ones (a real outage). */
  cutConnections(): Promise<void>;
  /** PostgreSQL only: accept connections again. */
  restoreConnections(): Promise<void>;
  drop(): Promise<void>;
}

async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database per gateway: in-memory PGlite, or a new PostgreSQL database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DB === "pglite") {
    const unsupported = async () => {
      throw new Error("connection cuts need PostgreSQL");
    };
    return {
      target: { kind: "pglite", dataDir: null },
      cutConnections: unsupported,
      restoreConnections: unsupported,
      drop: async () => {},
    };
  }
  const name = `gateway_test_${randomBytes(6).toString("hex")}`;
  await asAdmin((admin) => admin.query(`create database "${name}"`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    target: { kind: "postgres", url: url.toString() },
    async cutConnections() {
      await asAdmin(async (admin) => {
        await admin.query(`alter database "${name}" allow_connections false`);
        await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [name]);
      });
    },
    async restoreConnections() {
      await asAdmin((admin) => admin.query(`alter database "${name}" allow_connections true`));
    },
    async drop() {
      await asAdmin((admin) => admin.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
