import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobQueue, QUEUES } from "../../src/jobs/job-queue.js";
import { createLogger } from "../../src/logger.js";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { deferred, within } from "../support/deferred.js";
import { createTestDatabase, TEST_DB, type TestDatabase } from "../support/test-database.js";

// Workers look for jobs every poll interval (on PGlite only every 5 s: every job there is sent by
// this process); what this process queues must be taken at once, not at the next look.
describe(`job pickup (${TEST_DB})`, () => {
  let testDb: TestDatabase;
  let db: Database;
  let jobs: JobQueue;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase(testDb.target);
    await db.migrate();
    jobs = await JobQueue.start(db, createLogger("silent"));
  });

  afterAll(async () => {
    await jobs?.stop();
    await db?.close();
    await testDb?.drop();
  });

  const firstLook = async (queue: string): Promise<number> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const worker = jobs.boss.getWipData().find((w) => w.name === queue);
      if (worker?.lastFetchedOn) return Number(worker.options.pollingIntervalSeconds);
      if (Date.now() > deadline) throw new Error(`the ${queue} worker never looked for jobs`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("polls seldom on PGlite, often on PostgreSQL, where other replicas' jobs are found only by looking", async () => {
    await jobs.workNotifications(async () => undefined);
    expect(await firstLook(QUEUES.notification)).toBe(TEST_DB === "pglite" ? 5 : 0.5);
  });

  it("runs a reconciliation triggered on demand at once, not at the worker's next look", async () => {
    const ran = deferred();
    await jobs.workReconcile(async () => ran.resolve());
    // The worker has looked once and found nothing: its next look is a whole interval away.
    const intervalSeconds = await firstLook(QUEUES.reconcile);
    expect(intervalSeconds).toBeGreaterThanOrEqual(2);
    const sent = Date.now();
    await jobs.triggerReconcile();
    await within(ran.promise, 30_000, "the reconciliation");
    expect(Date.now() - sent).toBeLessThan((intervalSeconds * 1000) / 2);
  });
});
