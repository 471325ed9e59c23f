import type { PGlite, Transaction } from "@electric-sql/pglite";
import {
  CompiledQuery,
  PGliteAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from "kysely";

/** What the dialect uses of the embedded database (PGlite, or its thread's client). */
export type EmbeddedConnectable = Pick<PGlite, "query" | "transaction">;

/**
 * The ORM's dialect for the embedded database. Kysely's own PGlite dialect has one connection
 * behind a mutex: each statement of the process waited for the previous one's answer to be
 * handled here before it was sent, so with the database in its thread (pglite-thread/) that
 * thread sat idle while this one handled each answer. Here every caller gets a connection of its
 * own: a statement outside a transaction goes straight to the database, which runs statements
 * one at a time in the order they arrive and holds them while a transaction is open; a
 * transaction is PGlite's exclusive one, on its connection alone. What runs, and in which
 * isolation, is what the single connection gave; only the waiting moved into the database.
 */
export class EmbeddedDialect implements Dialect {
  constructor(private readonly database: EmbeddedConnectable) {}

  createAdapter(): DialectAdapter {
    return new EmbeddedAdapter();
  }
  createDriver(): Driver {
    return new EmbeddedDriver(this.database);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's own signature
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

/** PGlite's adapter (no migration lock: one database, one process), without the single-connection mutex. */
class EmbeddedAdapter extends PGliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

class EmbeddedDriver implements Driver {
  constructor(private readonly database: EmbeddedConnectable) {}

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new EmbeddedConnection(this.database);
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as EmbeddedConnection).begin();
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as EmbeddedConnection).end(true);
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as EmbeddedConnection).end(false);
  }
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${identifier(name)}`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${identifier(name)}`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${identifier(name)}`));
  }
  async releaseConnection(): Promise<void> {}
  /** The database belongs to whoever opened it (database.ts closes it after the ORM). */
  async destroy(): Promise<void> {}
}

const ROLLBACK = Symbol("rollback");

class EmbeddedConnection implements DatabaseConnection {
  private tx: Transaction | null = null;
  private finish: ((commit: boolean) => void) | null = null;
  private done: Promise<void> | null = null;

  constructor(private readonly database: EmbeddedConnectable) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { affectedRows, rows } = await (this.tx ?? this.database).query<R>(query.sql, query.parameters as unknown[], {
      rowMode: "object",
    });
    return { numAffectedRows: affectedRows != null ? BigInt(affectedRows) : undefined, rows: rows ?? [] };
  }

  // eslint-disable-next-line require-yield -- the interface wants a generator
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("the embedded database does not stream results");
  }

  /** Opens PGlite's exclusive transaction and keeps it open until end(). */
  async begin(): Promise<void> {
    let begun!: (tx: Transaction) => void;
    const started = new Promise<Transaction>((resolve) => (begun = resolve));
    const ended = new Promise<boolean>((resolve) => (this.finish = resolve));
    const done = this.database.transaction(async (tx) => {
      begun(tx);
      if (!(await ended)) throw ROLLBACK;
    });
    this.done = done;
    // A transaction that could not begin rejects `done` before `started` resolves.
    this.tx = await Promise.race([
      started,
      done.then(() => Promise.reject(new Error("the transaction ended at once"))),
    ]);
  }

  async end(commit: boolean): Promise<void> {
    const { finish, done } = this;
    this.tx = this.finish = this.done = null;
    finish?.(commit);
    await done?.catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  }
}

function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
