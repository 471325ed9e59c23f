import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresCompanyLock } from "../../src/persistence/company-lock.js";
import { deferred, within } from "../support/deferred.js";
import { createTestDatabase, TEST_DB, type TestDatabase } from "../support/test-database.js";

/**
 * The session holding a company's advisory lock can end while the work runs (a database
 * restart, an administrator's terminate). The process must survive it, say so, and lock again
 * on a fresh session afterwards; an unhandled 'error' on the checked-out client would end it.
 */
describe.runIf(TEST_DB === "postgres")("the PostgreSQL company lock", () => {
  let db: TestDatabase;
  let url: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    url = (db.target as { url: string }).url;
  });
  afterAll(async () => db?.drop());

  async function terminateLockSessions(): Promise<number> {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const r = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'bob-gateway-locks' and datname = current_database()",
      );
      return r.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it("survives its session being cut while the work runs, reports it, and locks again afterwards", async () => {
    const lostEvents: { companyId: string; message: string }[] = [];
    const lost = deferred<void>();
    const lock = new PostgresCompanyLock(url, (companyId, error) => {
      lostEvents.push({ companyId, message: error.message });
      lost.resolve();
    });
    try {
      const holding = deferred<void>();
      const release = deferred<void>();
      const running = lock.withLock("acme", async () => {
        holding.resolve();
        await release.promise;
        return "done";
      });
      await within(holding.promise, 10_000, "the lock taken");
      expect(await terminateLockSessions()).toBe(1);
      await within(lost.promise, 10_000, "the lost session reported");
      release.resolve();
      expect(await running).toBe("done");
      expect(lostEvents).toEqual([{ companyId: "acme", message: expect.stringMatching(/terminat/i) }]);

      // The broken session was discarded: the next holder gets the lock on a fresh one.
      expect(await lock.withLock("acme", async () => "again")).toBe("again");
    } finally {
      await lock.close();
    }
  });
});
