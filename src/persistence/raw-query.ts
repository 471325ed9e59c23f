import type { EntityManager } from "@mikro-orm/sql";
import { CompiledQuery } from "kysely";

/**
 * A statement with PostgreSQL placeholders ($1, $2...) whose values travel as bind parameters.
 * The ORM's `execute` inlines every parameter into the SQL text as an escaped literal: for the
 * sync's bulk statements (one JSON parameter of a few megabytes) that escaping and the server's
 * parsing of the literal cost more than the insert itself. Runs inside `em`'s transaction when
 * there is one; with `em` null, on the pool, outside any transaction.
 */
export async function rawQuery<R>(
  em: EntityManager | null,
  root: EntityManager,
  sql: string,
  params: readonly unknown[],
  onQuery?: (sql: string) => void,
): Promise<R[]> {
  // Without `em` (no transaction), straight on the pool: forking an EntityManager for one
  // statement costs more than the statement's own work in the driver.
  const executor =
    em?.getTransactionContext<{ executeQuery: ExecuteQuery }>() ??
    ((em ?? root).getConnection().getClient() as unknown as { executeQuery: ExecuteQuery });
  onQuery?.(sql);
  const result = await executor.executeQuery(CompiledQuery.raw(sql, [...params]));
  return result.rows as R[];
}

type ExecuteQuery = (query: CompiledQuery) => Promise<{ rows: unknown[] }>;
