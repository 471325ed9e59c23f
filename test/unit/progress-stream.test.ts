import { describe, expect, it } from "vitest";
import type { SyncProgressEvent, SyncRunRecord } from "../../src/domain/sync/sync-run.js";
import { progressStream } from "../../src/graphql/progress-stream.js";
import { InProcessProgressBus } from "../../src/pubsub/progress-bus.js";
import { deferred } from "../support/deferred.js";

const COUNTS = { fetched: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0 };
const run = (patch: Partial<SyncRunRecord>): SyncRunRecord => ({
  id: "run-1",
  companyId: "co",
  trigger: "MANUAL",
  dryRun: false,
  status: "RUNNING",
  phase: "FETCHING",
  queuedAt: new Date(0),
  startedAt: new Date(0),
  finishedAt: null,
  counts: COUNTS,
  processed: 0,
  total: null,
  error: null,
  ...patch,
});
const event = (patch: Partial<SyncProgressEvent>): SyncProgressEvent => ({
  companyId: "co",
  runId: "run-1",
  status: "RUNNING",
  phase: "FETCHING",
  processed: 0,
  total: null,
  counts: COUNTS,
  ...patch,
});
const label = (e: SyncProgressEvent) => `${e.phase}:${e.processed}`;

/** Takes `n` events from the stream. */
async function take(stream: AsyncGenerator<SyncProgressEvent>, n: number): Promise<string[]> {
  const out: string[] = [];
  for await (const e of stream) {
    out.push(label(e));
    if (out.length === n) break;
  }
  return out;
}

describe("progressStream", () => {
  it("shows every event in order when the run moves on while its current state is being read", async () => {
    const bus = new InProcessProgressBus();
    const reading = deferred<SyncRunRecord[]>();
    const stream = progressStream({ bus, companyId: "co", runId: null, current: () => reading.promise });
    const taken = take(stream, 4);
    await Promise.resolve();
    // The run publishes while the subscriber's read is on its way; the read then sees a later state.
    await bus.publish(event({ phase: "FETCHING" }));
    await bus.publish(event({ phase: "PLANNING" }));
    reading.resolve([run({ phase: "APPLYING", processed: 0, total: 10 })]);
    await new Promise((resolve) => setImmediate(resolve));
    await bus.publish(event({ phase: "APPLYING", processed: 0, total: 10 }));
    await bus.publish(event({ phase: "APPLYING", processed: 5, total: 10 }));
    expect(await taken).toEqual(["FETCHING:0", "PLANNING:0", "APPLYING:0", "APPLYING:5"]);
  });

  it("shows a late subscriber the current state first, and not again when the event of that state arrives after it", async () => {
    const bus = new InProcessProgressBus();
    const stream = progressStream({
      bus,
      companyId: "co",
      runId: "run-1",
      current: async () => [run({ phase: "APPLYING", processed: 3, total: 10 })],
    });
    const taken = take(stream, 3);
    await new Promise((resolve) => setImmediate(resolve));
    await bus.publish(event({ phase: "APPLYING", processed: 3, total: 10 })); // the state already shown
    await bus.publish(event({ phase: "APPLYING", processed: 8, total: 10 }));
    await bus.publish(event({ phase: "DONE", status: "SUCCEEDED", processed: 10, total: 10 }));
    expect(await taken).toEqual(["APPLYING:3", "APPLYING:8", "DONE:10"]);
  });
});
