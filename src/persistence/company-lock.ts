import pg from "pg";
import type { CompanyLock } from "../domain/ports/company-lock.js";

/** One company at a time within this process (all PGlite needs: it lives in one process). */
export class InProcessCompanyLock implements CompanyLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async withLock<T>(companyId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(companyId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    const tail = run.catch(() => undefined);
    this.tails.set(companyId, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(companyId) === tail) this.tails.delete(companyId);
    }
  }
}

/**
 * Across every gateway process on one PostgreSQL: a session advisory lock per company, held on
 * a dedicated connection for the duration of the work. A process that dies loses its session,
 * and with it the lock, so nothing stays locked after a crash.
 */
export class PostgresCompanyLock implements CompanyLock {
  private readonly local = new InProcessCompanyLock();
  private readonly pool: pg.Pool;

  /** `onLost`: the session holding a company's lock ended while its work ran (told, not thrown). */
  constructor(
    url: string,
    private readonly onLost: (companyId: string, error: Error) => void = () => undefined,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 4, application_name: "bob-gateway-locks" });
    this.pool.on("error", () => undefined); // a dropped idle connection is replaced on next use
  }

  withLock<T>(companyId: string, work: () => Promise<T>): Promise<T> {
    return this.local.withLock(companyId, async () => {
      const client = await this.pool.connect();
      let broken = false;
      // A checked-out client has no listener of the pool's: a session cut while the work runs
      // (the database restarted, an administrator's terminate) would otherwise be an unhandled
      // 'error' event, which ends the process. Told once: a cut session emits the server's
      // error, then often "Connection terminated unexpectedly".
      const lost = (error: Error) => {
        if (broken) return;
        broken = true;
        this.onLost(companyId, error);
      };
      client.on("error", lost);
      try {
        await client.query("select pg_advisory_lock(hashtextextended($1, 0))", [`company:${companyId}`]);
        return await work();
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [`company:${companyId}`]).catch(() => {
          broken = true;
        });
        // A connection whose unlock failed is discarded: its session (and lock) ends with it.
        client.removeListener("error", lost);
        client.release(broken);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
